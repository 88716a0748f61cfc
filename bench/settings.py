"""Django settings for benchmark runs: the local settings, pointed at a scratch database.

The harness (bench.common.setup_django) sets BENCH_DB to "sqlite" or "postgres" and either
BENCH_SQLITE_PATH or BENCH_DATABASE_URL before Django starts. The database dictionary is built
by the project's own `database_from_env`, so a benchmark runs with exactly the options the
office's deployment uses (WAL and IMMEDIATE transactions on SQLite; persistent connections and
health checks on PostgreSQL). The only other change is the URLconf, which adds a trivial view
used as the baseline of the web benchmark.
"""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault(
    "EVENHAND_DATA_DIR", str(Path(__file__).resolve().parents[1] / "var" / "bench")
)
if os.environ.get("BENCH_DB") == "postgres":
    os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
else:
    os.environ.pop("DATABASE_URL", None)

from evenhand.config.settings.base import database_from_env
from evenhand.config.settings.local import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
DATABASES = {
    "default": database_from_env(
        Path(os.environ.get("BENCH_SQLITE_PATH", "var/bench/unset.sqlite3"))
    )
}
# Whitenoise serves from the finders here; an empty STATIC_ROOT silences its start-up warning.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
