"""Plumbing shared by the benchmarks: scratch databases, Django set-up, bulk loading, statistics.

Nothing here imports Django models at module level: `setup_django` must run first, so the
modules that need models import them inside functions, after set-up.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import statistics
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.db.models import Model

REPO_DIR = Path(__file__).resolve().parents[1]
DEFAULT_DATA_DIR = REPO_DIR / "var" / "bench"
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432"
META_TABLE = "bench_meta"


@dataclass(frozen=True)
class Target:
    """One scratch database: which engine, and a name that says what it holds."""

    db: str  # "sqlite" or "postgres"
    name: str  # e.g. "office-100000" or "audit-1000000"
    data_dir: Path = DEFAULT_DATA_DIR
    pg_url: str = DEFAULT_PG_URL

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / f"{self.name}.sqlite3"

    @property
    def pg_dbname(self) -> str:
        return "evenhand_bench_" + self.name.replace("-", "_")

    @property
    def database_url(self) -> str:
        return f"{self.pg_url.rstrip('/')}/{self.pg_dbname}"

    def describe(self) -> str:
        if self.db == "sqlite":
            return f"SQLite file {self.sqlite_path}"
        return f"PostgreSQL database {self.pg_dbname}"


def add_target_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=DEFAULT_DATA_DIR,
        help="folder for SQLite scratch files (default: var/bench, untracked)",
    )
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("BENCH_PG_URL", DEFAULT_PG_URL),
        help="server URL without a database name; scratch databases are created on it",
    )


def target_from_args(args: argparse.Namespace, name: str) -> Target:
    return Target(db=args.db, name=name, data_dir=args.data_dir, pg_url=args.pg_url)


def setup_django(target: Target) -> None:
    """Point bench.settings at the target's database and start Django."""
    os.environ["BENCH_DB"] = target.db
    if target.db == "sqlite":
        target.data_dir.mkdir(parents=True, exist_ok=True)
        os.environ["BENCH_SQLITE_PATH"] = str(target.sqlite_path)
    else:
        os.environ["BENCH_DATABASE_URL"] = target.database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django  # noqa: PLC0415 - settings must be chosen before Django is imported

    django.setup()


def _pg_admin_execute(
    target: Target, statements: Sequence[str], params: Sequence[object] = ()
) -> list[tuple[Any, ...]]:
    """Run statements on the server's maintenance database (CREATE/DROP DATABASE)."""
    import psycopg  # noqa: PLC0415

    rows: list[tuple[Any, ...]] = []
    with psycopg.connect(f"{target.pg_url.rstrip('/')}/postgres", autocommit=True) as conn:
        for statement in statements:
            cursor = conn.execute(statement.encode(), params or None)
            if cursor.description is not None:
                rows.extend(cursor.fetchall())
    return rows


def database_exists(target: Target) -> bool:
    if target.db == "sqlite":
        return target.sqlite_path.exists()
    query = "SELECT 1 FROM pg_database WHERE datname = %s"
    rows = _pg_admin_execute(target, [query], [target.pg_dbname])
    return bool(rows)


def recreate_database(target: Target) -> None:
    """Drop the scratch database if it exists, create it empty and run the migrations."""
    from django.core.management import call_command  # noqa: PLC0415
    from django.db import connections  # noqa: PLC0415

    connections.close_all()
    if target.db == "sqlite":
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{target.sqlite_path}{suffix}").unlink(missing_ok=True)
    else:
        quoted = '"' + target.pg_dbname.replace('"', "") + '"'
        _pg_admin_execute(
            target, [f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)", f"CREATE DATABASE {quoted}"]
        )
    call_command("migrate", verbosity=0, interactive=False)


def apply_pending_migrations() -> list[str]:
    """Bring a reused scratch database up to the project's current migrations (the project
    is being developed while benchmarks run). Returns the names applied."""
    from django.core.management import call_command  # noqa: PLC0415
    from django.db import connection  # noqa: PLC0415
    from django.db.migrations.executor import MigrationExecutor  # noqa: PLC0415

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        call_command("migrate", verbosity=0, interactive=False)
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def drop_database(target: Target) -> None:
    from django.db import connections  # noqa: PLC0415

    connections.close_all()
    if target.db == "sqlite":
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{target.sqlite_path}{suffix}").unlink(missing_ok=True)
    else:
        quoted = '"' + target.pg_dbname.replace('"', "") + '"'
        _pg_admin_execute(target, [f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)"])


def read_meta() -> dict[str, str]:
    """The key/value notes a generator left in the scratch database (empty if none)."""
    from django.db import connection  # noqa: PLC0415

    if META_TABLE not in connection.introspection.table_names():
        return {}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key, value FROM {META_TABLE}")  # noqa: S608 - constant name
        return {str(key): str(value) for key, value in cursor.fetchall()}


def write_meta(values: dict[str, object]) -> None:
    from django.db import connection, transaction  # noqa: PLC0415

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {META_TABLE} (key TEXT PRIMARY KEY, value TEXT)"
        )
        cursor.execute(f"DELETE FROM {META_TABLE}")  # noqa: S608 - constant name
        for key, value in values.items():
            cursor.execute(
                f"INSERT INTO {META_TABLE} (key, value) VALUES (%s, %s)",  # noqa: S608
                [key, str(value)],
            )


def bulk_insert(
    model: type[Model], field_names: Sequence[str], rows: Iterable[Sequence[object]]
) -> int:
    """Insert rows straight into a model's table: COPY on PostgreSQL, executemany on SQLite.

    Values are plain Python values in `field_names` order (foreign keys as ids, JSON fields as
    already-serialised text). No model instances, signals, validation or audit entries: this is
    for generating benchmark data only. Call inside `transaction.atomic()`.
    """
    from django.db import connection  # noqa: PLC0415
    from django.db.models import Field  # noqa: PLC0415

    meta = model._meta
    fields: list[Field[Any, Any]] = []
    for name in field_names:
        found = meta.get_field(name)
        if not isinstance(found, Field) or not found.column:
            msg = f"{model.__name__}.{name} is not a concrete column"
            raise TypeError(msg)
        fields.append(found)
    columns = [connection.ops.quote_name(str(field.column)) for field in fields]
    table = connection.ops.quote_name(meta.db_table)
    connection.ensure_connection()
    raw = connection.connection
    count = 0
    if connection.vendor == "postgresql":
        statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with raw.cursor() as cursor:
            # Triggers off for this transaction: the search app re-indexes a case on every row
            # otherwise, which made a 100k office take hours. Benchmark data gets no search index.
            cursor.execute(b"SET LOCAL session_replication_role = replica")
        with raw.cursor() as cursor, cursor.copy(statement.encode()) as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        return count
    converters = [_sqlite_converter(field.get_internal_type()) for field in fields]
    placeholders = ", ".join("?" for _ in columns)
    statement = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"  # noqa: S608
    cursor = raw.cursor()
    try:
        for chunk in batched(rows, 20_000):
            cursor.executemany(
                statement,
                [
                    tuple(convert(value) for convert, value in zip(converters, row, strict=True))
                    for row in chunk
                ],
            )
            count += len(chunk)
    finally:
        cursor.close()
    return count


def batched(rows: Iterable[Sequence[object]], size: int) -> Iterable[list[Sequence[object]]]:
    """itertools.batched arrived in Python 3.12; the project runs on 3.11."""
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _identity(value: object) -> object:
    return value


def _sqlite_datetime(value: object) -> object:
    from django.db import connection  # noqa: PLC0415

    if not isinstance(value, dt.datetime):
        return value
    return connection.ops.adapt_datetimefield_value(value)


def _sqlite_date(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date) else value


def _sqlite_converter(internal_type: str) -> Callable[[object], object]:
    if internal_type == "DateTimeField":
        return _sqlite_datetime
    if internal_type == "DateField":
        return _sqlite_date
    return _identity


def reset_sequences(models: Sequence[type[Model]]) -> None:
    """After inserting explicit ids, move PostgreSQL's identity sequences past them."""
    from django.core.management.color import no_style  # noqa: PLC0415
    from django.db import connection  # noqa: PLC0415

    if connection.vendor != "postgresql":
        return  # SQLite's AUTOINCREMENT follows explicit ids by itself
    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def analyze() -> None:
    """Refresh planner statistics, as autovacuum / `PRAGMA optimize` would after a big load."""
    from django.db import connection  # noqa: PLC0415

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def percentile(samples: Sequence[float], pct: float) -> float:
    """Percentile by linear interpolation between closest ranks (pct in 0..100)."""
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    if len(ordered) == 1:
        return ordered[0]
    rank = (len(ordered) - 1) * pct / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def median(samples: Sequence[float]) -> float:
    return statistics.median(samples) if samples else float("nan")


def _proc_status_mib(key: str) -> float | None:
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) / 1024  # reported in kB
    except OSError:
        return None
    return None


def current_rss_mib() -> float:
    value = _proc_status_mib("VmRSS")
    return value if value is not None else peak_rss_mib()


def peak_rss_mib() -> float:
    """Peak resident set size of this process image (Linux VmHWM, which starts afresh at exec;
    getrusage's ru_maxrss is the fallback, but it carries the parent's peak across exec)."""
    value = _proc_status_mib("VmHWM")
    if value is not None:
        return value
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak_rss() -> bool:
    """Reset VmHWM to the current RSS (Linux >= 4.0), so a later peak is a phase's own."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as handle:
            handle.write("5")
    except OSError:
        return False
    return True


def machine_line() -> str:
    from django.db import connection  # noqa: PLC0415

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            row = cursor.fetchone()
        database = f"PostgreSQL {row[0] if row else '?'}"
    else:
        import sqlite3  # noqa: PLC0415

        database = f"SQLite {sqlite3.sqlite_version}"
    return (
        f"{os.cpu_count()} cores, Python {platform.python_version()}, {database}, {sys.platform}, "
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {code_version()}, {load_line()}"
    )


def load_line() -> str:
    """Load average: other work on the machine (e.g. test suites) skews absolute figures."""
    try:
        one, five, _fifteen = os.getloadavg()
    except OSError:
        return "load average unknown"
    return f"load average {one:.1f} (1 min) / {five:.1f} (5 min)"


def code_version() -> str:
    """The project's commit, and whether the working tree had changes (the code measured)."""
    import subprocess  # noqa: PLC0415

    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", "-C", str(REPO_DIR), *args], capture_output=True, text=True, check=False
        )
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", "evenhand")
    return f"evenhand {commit}" + (" + uncommitted changes in evenhand/" if dirty else "")


def format_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table (readable in a terminal too)."""
    cells = [[str(value) for value in row] for row in rows]
    widths = [
        max(len(header[index]), *(len(row[index]) for row in cells))
        if cells
        else len(header[index])
        for index in range(len(header))
    ]
    lines = [
        "| "
        + " | ".join(name.ljust(width) for name, width in zip(header, widths, strict=True))
        + " |",
        "|" + "|".join("-" * (width + 2) for width in widths) + "|",
    ]
    lines.extend(
        "| "
        + " | ".join(value.ljust(width) for value, width in zip(row, widths, strict=True))
        + " |"
        for row in cells
    )
    return "\n".join(lines)
