"""Test settings: SQLite in memory by default, PostgreSQL when DATABASE_URL is set."""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path

from .base import *  # noqa: F403
from .base import database_from_env

SECRET_KEY = "test-only-not-a-secret"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
DATABASES = {"default": database_from_env(Path(tempfile.gettempdir()) / "evenhand-test.sqlite3")}
DATABASES["default"].pop("CONN_MAX_AGE", None)
# Fast hashing keeps the suite quick; argon2 itself is checked in test_security.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
EVENHAND_REQUIRE_OTP = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# A naive datetime anywhere is a bug in a system whose log is in UTC.
warnings.filterwarnings(
    "error", r"DateTimeField .* received a naive datetime", RuntimeWarning, r"django\.db\.models"
)
# Static files come from the finders in tests; nothing is collected.
WHITENOISE_AUTOREFRESH = True

# Tests never write analytics snapshots into the working copy's data folder; tests that read
# the store point this at their own tmp_path.
EVENHAND_ANALYTICS_DIR = Path(tempfile.mkdtemp(prefix="evenhand-analytics-test-"))
