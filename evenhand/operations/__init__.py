"""Running evenhand: backups and restores that prove themselves, and clean answers when the
database is unreachable."""
