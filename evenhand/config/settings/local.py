"""The embedded default: SQLite in the untracked data folder, no configuration needed.

On first run it creates its own secret key in the data folder, so nothing secret is ever in
the repository and a fresh clone starts with one command.
"""

from __future__ import annotations

import secrets

from .base import *  # noqa: F403
from .base import DATA_DIR, database_from_env, env

DATA_DIR.mkdir(parents=True, exist_ok=True)


def _local_secret_key() -> str:
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = env.str("SECRET_KEY", default="") or _local_secret_key()
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
DATABASES = {"default": database_from_env(DATA_DIR / "evenhand.sqlite3")}
EVENHAND_REQUIRE_OTP = env.bool("EVENHAND_REQUIRE_OTP", default=False)
