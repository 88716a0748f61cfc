"""Full-text search over case records, events and case messages (SQLite FTS5, PostgreSQL)."""
