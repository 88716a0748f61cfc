"""The only writer of audit entries.

`audit_record` must run inside the caller's transaction, so the entry commits or rolls back
with the change it describes. Appends are serialised (a PostgreSQL advisory lock; SQLite runs
every transaction IMMEDIATE), so each entry's `prev_hash` is the hash of the entry before it.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import functools
import multiprocessing
import multiprocessing.context
import os
import sqlite3
import uuid
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from evenhand.config.db import fetch_together

from .chain import (
    CHAINED_FIELDS,
    GENESIS_HASH,
    RowsOutcome,
    VerifyResult,
    check_rows,
    check_rows_job,
    entry_hash,
    verify_entries,
)
from .context import current_request_id
from .models import AuditAction, AuditEntry, AuditOutcome

if TYPE_CHECKING:
    from evenhand.accounts.models import User

# Arbitrary but fixed key for pg_advisory_xact_lock: "evenhand audit chain".
_AUDIT_LOCK_KEY = 0x65766E68_61756474


class AuditNotInTransactionError(RuntimeError):
    """An audit entry was written outside the transaction of the change it records."""


JsonValue = None | bool | int | str | list["JsonValue"] | dict[str, "JsonValue"]


def jsonable(value: object) -> JsonValue:  # noqa: PLR0911  (one return per JSON type)
    """Reduce a value to JSON that survives a database round trip unchanged.

    Floats and decimals become strings (PostgreSQL's jsonb may re-render them), dates become
    ISO strings, and NUL characters (which jsonb rejects) are made visible.
    """
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, str):
        return value.replace("\x00", "\\u0000")
    if isinstance(value, enum.Enum):
        return jsonable(value.value)
    if isinstance(value, float | decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [jsonable(item) for item in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    return str(value)


def _locked_chain_head() -> tuple[int, str] | None:
    """The last entry's sequence number and hash, read under the chain's lock (PostgreSQL; on
    SQLite the write transaction itself serialises appends). The lock and the read go to the
    server together: the read is a statement of its own, so it sees every entry committed
    before the lock was granted."""
    head_sql = _head_sql(connection.vendor)
    if connection.vendor != "postgresql":
        rows = fetch_together([(head_sql, [])])[0]
    else:
        rows = fetch_together(
            [("SELECT pg_advisory_xact_lock(%s)", [_AUDIT_LOCK_KEY]), (head_sql, [])],
            prepared=True,
        )[1]
    return (rows[0][0], rows[0][1]) if rows else None


def audit_record(
    *,
    actor: User | None,
    action: AuditAction,
    subject_type: str,
    subject_id: object = "",
    case_id: int | None = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    outcome: AuditOutcome = AuditOutcome.SUCCESS,
    actor_label: str | None = None,
) -> AuditEntry:
    """Append one entry to the chain. Must be called inside the service's transaction."""
    if not connection.in_atomic_block:
        msg = f"audit entry {action} written outside a transaction"
        raise AuditNotInTransactionError(msg)
    head = _locked_chain_head()
    seq, prev_hash = (head[0] + 1, head[1]) if head else (1, GENESIS_HASH)
    occurred_at = timezone.now().astimezone(dt.UTC)
    label = actor_label if actor_label is not None else (actor.get_username() if actor else "")
    entry = AuditEntry(
        seq=seq,
        occurred_at=occurred_at,
        actor=actor,
        actor_label=label[:150],
        action=action,
        outcome=outcome,
        subject_type=subject_type,
        subject_id=str(subject_id)[:64],
        case_id=case_id,
        before=jsonable(before) if before is not None else None,
        after=jsonable(after) if after is not None else None,
        request_id=current_request_id.get(),
        prev_hash=prev_hash,
    )
    entry.hash = entry_hash(chain_fields(entry))
    _insert(entry)
    return entry


# Every read of a case appends an entry, so the append is written as plain SQL once per
# connection vendor: building the ORM's SELECT and INSERT anew cost more than running them.
@functools.cache
def _head_sql(vendor: str) -> str:
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    return f"SELECT seq, hash FROM {table} ORDER BY seq DESC LIMIT 1"  # noqa: S608  (constant)


def _insert_fields() -> list[Any]:
    return [field for field in AuditEntry._meta.concrete_fields if not field.primary_key]


@functools.cache
def _insert_sql(vendor: str, returning: bool) -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in _insert_fields())
    marks = ", ".join(["%s"] * len(_insert_fields()))
    table = quote(AuditEntry._meta.db_table)
    pk_column = quote(str(AuditEntry._meta.pk.column))
    tail = f" RETURNING {pk_column}" if returning else ""
    return f"INSERT INTO {table} ({columns}) VALUES ({marks}){tail}"  # noqa: S608  (constant)


def _insert(entry: AuditEntry) -> None:
    """entry.save(force_insert=True), values prepared by the model's own fields."""
    returning = bool(connection.features.can_return_columns_from_insert)
    params = [
        field.get_db_prep_save(getattr(entry, field.attname), connection)
        for field in _insert_fields()
    ]
    if returning:
        rows = fetch_together([(_insert_sql(connection.vendor, returning), params)], prepared=True)
        entry.pk = rows[0][0][0]
    else:
        with connection.cursor() as cursor:
            cursor.execute(_insert_sql(connection.vendor, returning), params)
            entry.pk = cursor.lastrowid
    entry._state.adding = False
    entry._state.db = connection.alias


def chain_fields(entry: AuditEntry) -> dict[str, Any]:
    """The hashed fields of a model instance, in their canonical JSON types."""
    return {
        "seq": entry.seq,
        "occurred_at": entry.occurred_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor_id": entry.actor_id,
        "actor_label": entry.actor_label,
        "action": str(entry.action),
        "outcome": str(entry.outcome),
        "subject_type": entry.subject_type,
        "subject_id": entry.subject_id,
        "case_id": entry.case_id,
        "before": entry.before,
        "after": entry.after,
        "request_id": entry.request_id,
        "prev_hash": entry.prev_hash,
    }


_STREAM_COLUMNS = (
    "seq",
    "occurred_at",
    "actor_id",
    "actor_label",
    "action",
    "outcome",
    "subject_type",
    "subject_id",
    "case_id",
    "before",
    "after",
    "request_id",
    "prev_hash",
    "hash",
)


def stream_entries(chunk_size: int = 5000) -> Iterator[dict[str, Any]]:
    """Every entry in chain order, as export dictionaries, without loading the table whole."""
    rows = AuditEntry.objects.order_by("seq").values_list(*_STREAM_COLUMNS)
    for row in rows.iterator(chunk_size=chunk_size):
        record = dict(zip(_STREAM_COLUMNS, row, strict=True))
        record["occurred_at"] = (
            record["occurred_at"].astimezone(dt.UTC).isoformat(timespec="microseconds")
        )
        yield record


# Below this many entries the database verification runs in this process only: starting worker
# processes costs more than it saves.
PARALLEL_THRESHOLD = 50_000
# Rows per chunk: what one fetch reads and one worker checks at a time.
VERIFY_CHUNK_ROWS = 5_000
# Chunks handed to the workers and not yet combined, per worker: bounds the memory in use.
_IN_FLIGHT_PER_WORKER = 2

_ROW_SQL = (
    "SELECT seq, {occurred_at}, actor_id, actor_label, action, outcome, subject_type, "
    "subject_id, case_id, before, after, request_id, prev_hash, hash FROM {table} {where}"
    "ORDER BY seq"
)
# PostgreSQL writes the timestamp exactly as chain_fields formats it.
_PG_STAMP = "to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"')"
# CAST keeps the sqlite3 module's datetime converter away; chain.sqlite_stamp reformats the text.
_SQLITE_STAMP = "CAST(occurred_at AS TEXT)"

Rows = list[tuple[Any, ...]]


def _row_batches(batch_rows: int, *, after: int | None = None) -> Iterator[Rows]:
    """Every entry in chain order (from the one after seq `after`) as ROW_COLUMNS tuples,
    batch_rows at a time (a server-side cursor on PostgreSQL), with no ORM conversion."""
    stamp = _PG_STAMP if connection.vendor == "postgresql" else _SQLITE_STAMP
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    where = "" if after is None else "WHERE seq > %s "
    sql = _ROW_SQL.format(occurred_at=stamp, table=table, where=where)
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, [] if after is None else [after])
        while batch := cursor.fetchmany(batch_rows):
            yield batch


def _django_stamp(value: object) -> str:
    """A stored SQLite timestamp converted exactly as the ORM converts it, then formatted as
    chain_fields does."""
    ops: Any = connection.ops  # the SQLite backend's; only SQLite stores timestamps as text
    converted = ops.convert_datetimefield_value(value, None, connection)
    return str(converted.astimezone(dt.UTC).isoformat(timespec="microseconds"))


class _Walk:
    """Combines the outcomes of consecutive runs of rows, in chain order."""

    def __init__(self) -> None:
        self.checked = 0
        self.prev = GENESIS_HASH
        self.result: VerifyResult | None = None

    def add(self, outcome: RowsOutcome, rows: Rows, *, sqlite_stamps: bool) -> bool:
        """Take the outcome of checking `rows` from this walk's position; False once the walk
        has found its first bad entry."""
        status, checked, prev, seq, reason = outcome
        if status == "slow":
            # A timestamp not in Django's usual stored form: convert the rest of the run as the
            # ORM would, then check it in this process.
            rest = [(row[0], _django_stamp(row[1]), *row[2:]) for row in rows[checked:]]
            self.checked += checked
            expected = self.checked + 1
            status, checked, prev, seq, reason = check_rows(
                rest, expected, prev, sqlite_stamps=False
            )
        self.checked += checked
        self.prev = prev
        if status == "fail":
            bad_seq = seq if isinstance(seq, int) else None
            self.result = VerifyResult(False, self.checked, prev, bad_seq, reason)
            return False
        return True

    def finish(self) -> VerifyResult:
        return self.result or VerifyResult(True, self.checked, self.prev)


def _verify_serial(batches: Iterator[Rows], *, sqlite_stamps: bool) -> VerifyResult:
    walk = _Walk()
    for rows in batches:
        outcome = check_rows(rows, walk.checked + 1, walk.prev, sqlite_stamps=sqlite_stamps)
        if not walk.add(outcome, rows, sqlite_stamps=sqlite_stamps):
            break
    return walk.finish()


def _pool_context() -> multiprocessing.context.BaseContext:
    # fork: the workers need nothing from Django and start at once; elsewhere, the default.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)


def _verify_parallel(batches: Iterator[Rows], workers: int, *, sqlite_stamps: bool) -> VerifyResult:
    """Workers recompute the hashes of whole chunks; this process reads the rows and combines
    the outcomes in chain order, so the first bad entry is reported exactly as a serial walk
    would. Each chunk is checked against the stored hash of the row before it, which the walk
    has verified by the time the chunk's outcome is combined."""
    walk = _Walk()
    pending: deque[tuple[Future[RowsOutcome], Rows]] = deque()
    limit = workers * _IN_FLIGHT_PER_WORKER
    start_seq, prev = 1, GENESIS_HASH
    with ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context()) as pool:
        try:
            for rows in batches:
                if len(pending) >= limit:
                    future, done_rows = pending.popleft()
                    if not walk.add(future.result(), done_rows, sqlite_stamps=sqlite_stamps):
                        return walk.finish()
                job = pool.submit(check_rows_job, rows, start_seq, prev, sqlite_stamps)
                pending.append((job, rows))
                start_seq += len(rows)
                prev = rows[-1][-1]  # the stored hash of this chunk's last row
            while pending:
                future, done_rows = pending.popleft()
                if not walk.add(future.result(), done_rows, sqlite_stamps=sqlite_stamps):
                    break
        finally:
            for future, _ in pending:
                future.cancel()
    return walk.finish()


# --- the ranged walk: each worker reads its own runs of seq over its own connection ----------

# Rows per run a worker reads and checks at a time (more than a chunk: a run costs one query).
RANGE_ROWS = 20_000


@dataclass(frozen=True)
class RowSource:
    """How a worker process opens its own connection to the committed chain and reads one run:
    plain values only, so that it needs neither Django nor the parent's connection."""

    vendor: str  # "sqlite" or "postgresql"
    connect: dict[str, Any]  # sqlite3.connect / psycopg.connect keyword arguments
    table: str  # quoted


# The run reader of this worker process (set by _open_row_source in each worker).
_worker_reader: Callable[[int, int], tuple[str | None, Rows]] | None = None


def _open_row_source(source: RowSource) -> None:
    """Worker initialiser: one connection per worker for the whole walk."""
    global _worker_reader  # noqa: PLW0603  (per-process state of a pool worker)
    if source.vendor == "sqlite":
        db: Any = sqlite3.connect(**source.connect)
        stamp, json_text, mark = _SQLITE_STAMP, "{}", "?"
    else:
        import psycopg  # noqa: PLC0415  (only the PostgreSQL workers need it)

        db = psycopg.connect(**source.connect, autocommit=True)
        stamp, json_text, mark = _PG_STAMP, "{}::text", "%s"
    columns = (
        f"seq, {stamp}, actor_id, actor_label, action, outcome, subject_type, subject_id, "
        f"case_id, {json_text.format('before')}, {json_text.format('after')}, request_id, "
        "prev_hash, hash"
    )
    # The run (lo, hi] and the row at lo itself, whose stored hash is the run's previous hash.
    sql = (
        f"SELECT {columns} FROM {source.table} "  # noqa: S608  (a quoted name, no user input)
        f"WHERE seq >= {mark} AND seq <= {mark} ORDER BY seq"
    )

    def read(lo: int, hi: int) -> tuple[str | None, Rows]:
        cursor = db.cursor()
        cursor.execute(sql, (lo, hi))
        rows: Rows = cursor.fetchall()
        cursor.close()
        if lo == 0:
            return GENESIS_HASH, rows
        if rows and rows[0][0] == lo:
            return str(rows[0][-1]), rows[1:]
        return None, rows  # the row before the run is missing: the parent walks this run

    _worker_reader = read


def check_range_job(lo: int, hi: int, sqlite_stamps: bool) -> tuple[str | None, RowsOutcome]:
    """In a worker: read the entries with lo < seq <= hi and check them against the stored hash
    of entry lo. Returns that starting hash and the outcome."""
    if _worker_reader is None:
        msg = "check_range_job runs only in a pool started with _open_row_source"
        raise RuntimeError(msg)
    start_prev, rows = _worker_reader(lo, hi)
    if start_prev is None:
        return None, ("fail", 0, GENESIS_HASH, None, "")
    return start_prev, check_rows(rows, lo + 1, start_prev, sqlite_stamps=sqlite_stamps)


def _row_source() -> RowSource | None:
    """Where workers can read the committed chain themselves, or None (an in-memory database,
    or another engine: the rows then come through this process)."""
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    if connection.vendor == "sqlite":
        ops: Any = connection
        if ops.is_in_memory_db():
            return None
        return RowSource("sqlite", {"database": str(connection.settings_dict["NAME"])}, table)
    if connection.vendor == "postgresql":
        params = connection.get_connection_params()
        plain = {
            key: value
            for key, value in params.items()
            if isinstance(value, str | int) and key not in {"cursor_factory", "context"}
        }
        return RowSource("postgresql", plain, table)
    return None


def _walk_serially_from(walk: _Walk, after: int, upto: int | None, *, sqlite_stamps: bool) -> bool:
    """Continue the walk in this process over the entries after seq `after` (up to `upto`
    inclusive, or to the end). False once the walk is over: a bad entry, or entries missing at
    the end of the range, where the serial walk decides what comes next."""
    for rows in _row_batches(VERIFY_CHUNK_ROWS, after=after):
        run = rows if upto is None else [row for row in rows if row[0] <= upto]
        if run:
            outcome = check_rows(run, walk.checked + 1, walk.prev, sqlite_stamps=sqlite_stamps)
            if not walk.add(outcome, run, sqlite_stamps=sqlite_stamps):
                return False
        if upto is not None and len(run) < len(rows):
            break
    if upto is None:
        return False
    if walk.checked == upto:
        return True
    # Entries missing before `upto`: the serial walk goes on to the next stored entry and
    # reports the gap there, or ends cleanly if there is none.
    return _walk_serially_from(walk, upto, None, sqlite_stamps=sqlite_stamps)


def _verify_ranged(
    source: RowSource, last_seq: int, workers: int, run_rows: int, *, sqlite_stamps: bool
) -> VerifyResult:
    """Workers read and check runs of seq over their own connections; this process only combines
    their small outcomes in chain order. A run is taken as verified when it is whole, passed,
    and starts from the hash the walk has reached; any other run is walked again here, serially,
    so the first bad entry and its message are exactly those of the serial walk."""
    walk = _Walk()
    runs = iter([(lo, min(lo + run_rows, last_seq)) for lo in range(0, last_seq, run_rows)])
    limit = workers * _IN_FLIGHT_PER_WORKER
    pending: deque[tuple[int, int, Future[tuple[str | None, RowsOutcome]]]] = deque()
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=_pool_context(),
        initializer=_open_row_source,
        initargs=(source,),
    ) as pool:
        try:
            while True:
                while len(pending) < limit and (run := next(runs, None)) is not None:
                    lo, hi = run
                    pending.append((lo, hi, pool.submit(check_range_job, lo, hi, sqlite_stamps)))
                if not pending:
                    break
                lo, hi, future = pending.popleft()
                start_prev, (status, checked, prev, _seq, _reason) = future.result()
                if status == "ok" and checked == hi - lo and start_prev == walk.prev:
                    walk.checked += checked
                    walk.prev = prev
                elif not _walk_serially_from(walk, lo, hi, sqlite_stamps=sqlite_stamps):
                    return walk.finish()
        finally:
            for _lo, _hi, future in pending:
                future.cancel()
    return walk.finish()


def audit_verify_database(
    chunk_size: int = VERIFY_CHUNK_ROWS,
    *,
    workers: int | None = None,
    parallel_threshold: int = PARALLEL_THRESHOLD,
    run_rows: int = RANGE_ROWS,
) -> VerifyResult:
    """Verify the whole chain in the database, streamed, stopping at the first bad entry.

    Chains of at least `parallel_threshold` entries are checked by `workers` processes (default:
    one per CPU). When the chain is committed (no transaction of the caller's is open) each
    worker reads runs of `run_rows` entries over its own connection; otherwise this process
    reads the rows in chunks of `chunk_size` and hands them to the workers. Smaller chains are
    checked in this process."""
    vendor = connection.vendor
    if vendor not in {"postgresql", "sqlite"}:
        return verify_entries(stream_entries(chunk_size=chunk_size))
    sqlite_stamps = vendor == "sqlite"
    batches = _row_batches(chunk_size)
    if sqlite_stamps and connection.timezone_name != "UTC":
        # Stored in local time: only Django's conversion is exact.
        batches = ([(row[0], _django_stamp(row[1]), *row[2:]) for row in rows] for rows in batches)
        sqlite_stamps = False
    count = workers if workers is not None else (os.cpu_count() or 1)
    # Committed data (no transaction of ours open) can be read by the workers themselves.
    source = None if connection.in_atomic_block else _row_source()
    # On PostgreSQL, a transaction lets the server-side cursor stream; in autocommit it would be
    # WITH HOLD and materialised whole first. (On SQLite a transaction would take the write
    # lock, as this project begins them IMMEDIATE; a single SELECT reads one snapshot anyway.)
    with transaction.atomic() if vendor == "postgresql" else nullcontext():
        bounds = AuditEntry.objects.aggregate(first=Min("seq"), size=Max("seq"))
        size = bounds["size"] or 0
        if count > 1 and size >= parallel_threshold:
            # Ranged reads need seq to start at 1 and timestamps in Django's UTC form.
            ranged = bounds["first"] == 1 and (vendor == "postgresql" or sqlite_stamps)
            if source is not None and ranged:
                return _verify_ranged(source, size, count, run_rows, sqlite_stamps=sqlite_stamps)
            return _verify_parallel(batches, count, sqlite_stamps=sqlite_stamps)
        return _verify_serial(batches, sqlite_stamps=sqlite_stamps)


EXPORT_FIELDS = (*CHAINED_FIELDS, "hash")


def audit_log_read_record(*, actor: User, filters: Mapping[str, Any]) -> None:
    """Reading the audit log is itself logged (CJIS 5.4.1.1: access to the audit log)."""
    with transaction.atomic():
        audit_record(
            actor=actor, action=AuditAction.AUDIT_READ, subject_type="audit_log", after=filters
        )
