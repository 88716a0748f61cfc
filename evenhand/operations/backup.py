"""Backups that carry their own proof, and restores that check it before they count.

A backup is one gzipped tar holding:
- `manifest.json`: format, time, database vendor, the row count of every table and the audit
  chain's head (seq and hash), all read from the same snapshot as the dump;
- `database.sqlite3` (SQLite's online backup API) or `database.pgdump` (`pg_dump -Fc`, run on
  a snapshot exported by the transaction that took the counts);
- `data/`: the files evenhand keeps beside the database (the analytics Parquet store).

A restore puts the database in place, then proves it: every table's row count must equal the
manifest's and `audit verify` must pass with the manifest's head hash. Only then does it count;
otherwise the previous database is put back (SQLite) or the restored schema is dropped
(PostgreSQL), so a failed restore leaves nothing half-restored.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from evenhand.accounts.models import User
from evenhand.audit.models import AuditAction
from evenhand.audit.services import audit_record, audit_verify_database

BACKUP_FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
PGDUMP_MEMBER = "database.pgdump"
DATA_MEMBER = "data"
# Folders under DATA_DIR that belong in a backup. The secret key, demo logins and collected
# static files do not: they are per machine or rebuilt.
DATA_FOLDERS = ("analytics",)
# Work in progress and derived builds inside the data folders: an import's staging area, and
# the consistency check's aggregates, which are rebuilt from the releases when missing. They
# change under a running import (a build is swapped in and older ones removed), so copying
# them could meet a folder that vanishes mid-copy; nothing in them is a record.
NOT_BACKED_UP = ("_staging", "_aggregates")
SYSTEM_LABEL = "evenhand operations"
HEAD_QUERY = 'SELECT seq, hash FROM "audit_auditentry" ORDER BY seq DESC LIMIT 1'


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class AuditHead:
    seq: int
    hash: str


@dataclass(frozen=True)
class Manifest:
    format: int
    created_at: str
    vendor: str
    database_member: str
    table_counts: dict[str, int]
    audit_head: AuditHead | None
    data_folders: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        raw: dict[str, Any] = json.loads(text)
        if raw.get("format") != BACKUP_FORMAT:
            msg = (
                f"unsupported backup format {raw.get('format')!r} "
                f"(this version reads {BACKUP_FORMAT})"
            )
            raise BackupError(msg)
        head = raw.get("audit_head")
        return cls(
            format=raw["format"],
            created_at=raw["created_at"],
            vendor=raw["vendor"],
            database_member=raw["database_member"],
            table_counts={str(k): int(v) for k, v in raw["table_counts"].items()},
            audit_head=AuditHead(seq=int(head["seq"]), hash=str(head["hash"])) if head else None,
            data_folders=list(raw.get("data_folders", [])),
        )


@dataclass(frozen=True)
class RestoreReport:
    manifest: Manifest
    tables_checked: int
    audit_entries_verified: int

    def describe(self) -> str:
        head = self.manifest.audit_head
        return (
            f"PASS: restored the backup of {self.manifest.created_at}; "
            f"{self.tables_checked} tables match the manifest's row counts; "
            f"audit chain verified ({self.audit_entries_verified} entries, head hash "
            f"{head.hash if head else '-'})"
        )


# ---------------------------------------------------------------------------------- backup


def create_backup(*, output: Path, actor: User | None = None) -> Manifest:
    """Write a backup of the database and data folders to `output` (replaced atomically)."""
    vendor = _vendor()
    with transaction.atomic():
        audit_record(
            actor=actor,
            actor_label=None if actor else SYSTEM_LABEL,
            action=AuditAction.BACKUP_CREATED,
            subject_type="backup",
            subject_id=output.name,
        )
    with tempfile.TemporaryDirectory(prefix="evenhand-backup-") as work:
        staging = Path(work)
        if vendor == "sqlite":
            member = SQLITE_MEMBER
            counts, head = _sqlite_snapshot(staging / member)
        else:
            member = PGDUMP_MEMBER
            counts, head = _postgres_snapshot(staging / member)
        folders = _copy_data_folders(Path(settings.DATA_DIR), staging / DATA_MEMBER)
        manifest = Manifest(
            format=BACKUP_FORMAT,
            created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            vendor=vendor,
            database_member=member,
            table_counts=counts,
            audit_head=head,
            data_folders=folders,
        )
        (staging / MANIFEST).write_text(manifest.to_json())
        partial = output.with_name(output.name + ".partial")
        output.parent.mkdir(parents=True, exist_ok=True)
        with tarfile.open(partial, "w:gz") as archive:
            for name in sorted(os.listdir(staging)):
                archive.add(staging / name, arcname=name)
        partial.replace(output)
    return manifest


def _vendor() -> str:
    if connection.vendor not in {"sqlite", "postgresql"}:
        msg = f"backups support SQLite and PostgreSQL, not {connection.vendor}"
        raise BackupError(msg)
    return connection.vendor


def _sqlite_path() -> Path:
    name = str(settings.DATABASES["default"]["NAME"])
    if name == ":memory:" or name.startswith("file:"):
        msg = "the SQLite database is in memory; there is nothing on disk to back up"
        raise BackupError(msg)
    return Path(name)


def _sqlite_snapshot(target: Path) -> tuple[dict[str, int], AuditHead | None]:
    source = sqlite3.connect(_sqlite_path())
    copy = sqlite3.connect(target)
    try:
        # The online backup API copies a consistent snapshot even while others write.
        source.backup(copy)
        return _sqlite_counts(copy), _sqlite_head(copy)
    finally:
        copy.close()
        source.close()


def _sqlite_tables(db: sqlite3.Connection) -> list[str]:
    rows = db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    ).fetchall()
    return [str(row[0]) for row in rows]


def _sqlite_counts(db: sqlite3.Connection) -> dict[str, int]:
    return {
        table: int(db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0])  # noqa: S608
        for table in _sqlite_tables(db)
    }


def _sqlite_head(db: sqlite3.Connection) -> AuditHead | None:
    row = db.execute(HEAD_QUERY).fetchone()
    return AuditHead(seq=int(row[0]), hash=str(row[1])) if row else None


def _postgres_tables() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
        )
        return [str(row[0]) for row in cursor.fetchall()]


def _postgres_counts_and_head() -> tuple[dict[str, int], AuditHead | None]:
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        for table in _postgres_tables():
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 (catalogue names)
            counts[table] = int(cursor.fetchone()[0])
        cursor.execute(HEAD_QUERY)
        row = cursor.fetchone()
    return counts, (AuditHead(seq=int(row[0]), hash=str(row[1])) if row else None)


def _pg_environment() -> tuple[list[str], dict[str, str]]:
    db = settings.DATABASES["default"]
    args = ["--dbname", str(db["NAME"])]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        msg = f"{command[0]} failed ({result.returncode}): {result.stderr.strip()[-2000:]}"
        raise BackupError(msg)


def _postgres_snapshot(target: Path) -> tuple[dict[str, int], AuditHead | None]:
    args, env = _pg_environment()
    with transaction.atomic(), connection.cursor() as cursor:
        # The counts and the dump read one snapshot: pg_dump joins the one this transaction
        # exports, so rows written meanwhile are in neither.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = str(cursor.fetchone()[0])
        counts, head = _postgres_counts_and_head()
        _run(
            [
                "pg_dump",
                *args,
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={target}",
            ],
            env,
        )
    return counts, head


def _top_level(root: Path, names: tuple[str, ...]) -> Callable[[str, list[str]], set[str]]:
    """A `copytree` ignore function leaving out `names` directly under `root` only."""

    def ignore(folder: str, entries: list[str]) -> set[str]:
        return {entry for entry in entries if entry in names} if Path(folder) == root else set()

    return ignore


def _copy_data_folders(data_dir: Path, target: Path) -> list[str]:
    copied = []
    for name in DATA_FOLDERS:
        source = data_dir / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=_top_level(source, NOT_BACKED_UP))
            copied.append(name)
    return copied


# --------------------------------------------------------------------------------- restore


def restore_backup(*, archive: Path, replace: bool = False) -> RestoreReport:
    """Restore `archive` into the configured database and data folder, then prove it."""
    if not archive.is_file():
        msg = f"no backup file at {archive}"
        raise BackupError(msg)
    vendor = _vendor()
    with tempfile.TemporaryDirectory(prefix="evenhand-restore-") as work:
        staging = Path(work)
        manifest = _extract(archive, staging)
        if manifest.vendor != vendor:
            msg = (
                f"this backup is of a {manifest.vendor} database; the configured database is "
                f"{vendor}. Restore it with DATABASE_URL pointing at a {manifest.vendor} database."
            )
            raise BackupError(msg)
        if vendor == "sqlite":
            with _sqlite_swap(staging / manifest.database_member, replace=replace):
                report = _prove(manifest)
        else:
            with _postgres_restore(staging / manifest.database_member, replace=replace):
                report = _prove(manifest)
        _restore_data_folders(staging / DATA_MEMBER, Path(settings.DATA_DIR), manifest)
    with transaction.atomic():
        audit_record(
            actor=None,
            actor_label=SYSTEM_LABEL,
            action=AuditAction.BACKUP_RESTORED,
            subject_type="backup",
            subject_id=archive.name,
            after={
                "backup_created_at": manifest.created_at,
                "audit_head_seq": manifest.audit_head.seq if manifest.audit_head else None,
                "tables": len(manifest.table_counts),
            },
        )
    return report


def _extract(archive: Path, staging: Path) -> Manifest:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(staging, filter="data")
    except (tarfile.TarError, OSError, EOFError) as exc:
        msg = f"{archive} is not a readable evenhand backup: {exc}"
        raise BackupError(msg) from exc
    manifest_file = staging / MANIFEST
    if not manifest_file.is_file():
        msg = f"{archive} has no {MANIFEST}; it is not an evenhand backup"
        raise BackupError(msg)
    manifest = Manifest.from_json(manifest_file.read_text())
    if not (staging / manifest.database_member).is_file():
        msg = f"{archive} is missing its database ({manifest.database_member})"
        raise BackupError(msg)
    return manifest


@contextmanager
def _sqlite_swap(restored: Path, *, replace: bool) -> Iterator[None]:
    target = _sqlite_path()
    connection.close()
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    kept = target.with_name(f"{target.name}.pre-restore-{stamp}")
    if target.exists() and _sqlite_has_tables(target):
        if not replace:
            msg = (
                f"{target} already holds a database; pass --replace to set it aside "
                f"(it is kept as {kept.name}) and restore over it"
            )
            raise BackupError(msg)
        _move_sqlite(target, kept)
    incoming = target.with_name(f"{target.name}.restoring")
    shutil.copyfile(restored, incoming)
    incoming.replace(target)
    try:
        yield
    except BaseException:
        connection.close()
        _move_sqlite(target, target.with_name(f"{target.name}.failed-restore-{stamp}"))
        if kept.exists():
            _move_sqlite(kept, target)
        raise
    finally:
        connection.close()


def _sqlite_has_tables(path: Path) -> bool:
    db = sqlite3.connect(path)
    try:
        return bool(_sqlite_tables(db))
    finally:
        db.close()


def _move_sqlite(source: Path, target: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        companion = source.with_name(source.name + suffix)
        if companion.exists():
            companion.replace(target.with_name(target.name + suffix))


def _wipe_postgres_schema() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE")
        cursor.execute("CREATE SCHEMA public")


@contextmanager
def _postgres_restore(dump: Path, *, replace: bool) -> Iterator[None]:
    if _postgres_tables():
        if not replace:
            msg = (
                f"database {settings.DATABASES['default']['NAME']} is not empty; pass --replace "
                "to drop its tables and restore over it"
            )
            raise BackupError(msg)
        _wipe_postgres_schema()
    args, env = _pg_environment()
    connection.close()
    try:
        _run(
            [
                "pg_restore",
                *args,
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                str(dump),
            ],
            env,
        )
        yield
    except BaseException:
        connection.close()
        _wipe_postgres_schema()
        raise
    finally:
        connection.close()


def _current_counts() -> dict[str, int]:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
            tables = [str(row[0]) for row in cursor.fetchall()]
            counts = {}
            for table in tables:
                cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 (catalogue names)
                counts[table] = int(cursor.fetchone()[0])
            return counts
    return _postgres_counts_and_head()[0]


def _prove(manifest: Manifest) -> RestoreReport:
    counts = _current_counts()
    problems = [
        f"{table}: {counts.get(table, 'missing')} rows, the backup had {expected}"
        for table, expected in sorted(manifest.table_counts.items())
        if counts.get(table) != expected
    ]
    extra = sorted(set(counts) - set(manifest.table_counts))
    problems += [f"{table}: not in the backup" for table in extra]
    if problems:
        msg = "restored row counts differ from the manifest: " + "; ".join(problems[:10])
        raise BackupError(msg)
    result = audit_verify_database()
    if not result.ok:
        msg = f"the restored audit chain does not verify: {result.describe()}"
        raise BackupError(msg)
    head = manifest.audit_head
    if head is not None and (result.checked != head.seq or result.last_hash != head.hash):
        msg = (
            f"the restored audit chain ends at {result.checked} entries / {result.last_hash}, "
            f"the backup's at seq {head.seq} / {head.hash}"
        )
        raise BackupError(msg)
    return RestoreReport(
        manifest=manifest, tables_checked=len(counts), audit_entries_verified=result.checked
    )


def _restore_data_folders(source: Path, data_dir: Path, manifest: Manifest) -> None:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    for name in manifest.data_folders:
        target = data_dir / name
        incoming = data_dir / f"{name}.restoring"
        if incoming.exists():
            shutil.rmtree(incoming)
        shutil.copytree(source / name, incoming)
        if target.exists():
            target.replace(data_dir / f"{name}.pre-restore-{stamp}")
        incoming.replace(target)
