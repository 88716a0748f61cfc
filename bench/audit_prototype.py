"""A prototype of a faster database verification, measured next to the real one.

This is NOT used by the project. It exists so that bench.audit_verify can show, on the same
chain in the same run, what the change proposed for evenhand/audit/ would gain:

1. fetch rows with a plain (server-side on PostgreSQL) cursor instead of the ORM's
   values_list().iterator(), which runs a Python converter per value (datetime parsing and
   time-zone attachment, JSON decoding) and then stream_entries re-formats the timestamp;
   the timestamp is produced in its canonical text form directly (to_char on PostgreSQL,
   string slicing of Django's stored text on SQLite);
2. build the canonical bytes with one %-format of the fixed, already sorted top-level keys,
   JSON-encoding only the string values (json's C encode_basestring) and the nested
   before/after objects (the same sorted encoder), instead of building a dict per entry and
   running the generic encoder over it with sort_keys;
3. walk tuples, not dicts.

The result must be byte-identical: every entry's hash is recomputed from these bytes and
compared with the stored hash, so a verification that passes on the whole chain with the same
head hash proves the bytes are the same as canonical_bytes' on this data.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from json.encoder import encode_basestring
from typing import Any

from evenhand.audit.chain import (
    GENESIS_HASH,
    VerifyResult,
    _encoder,  # the canonical encoder, for nested objects
)

# CHAINED_FIELDS in sorted order, which is the order sort_keys=True writes them in.
_TEMPLATE = (
    '{"action":%s,"actor_id":%s,"actor_label":%s,"after":%s,"before":%s,"case_id":%s,'
    '"occurred_at":%s,"outcome":%s,"prev_hash":%s,"request_id":%s,"seq":%s,'
    '"subject_id":%s,"subject_type":%s}'
)
_COLUMNS = (
    "seq, {occurred_at}, actor_id, actor_label, action, outcome, subject_type, subject_id, "
    "case_id, before, after, request_id, prev_hash, hash"
)
_PG_TIMESTAMP = "to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"')"


def _nested(text: str | None) -> str:
    return "null" if text is None else str(_encoder.encode(json.loads(text)))


def _rows(chunk_size: int) -> Iterator[tuple[Any, ...]]:
    from django.db import connection  # noqa: PLC0415

    from evenhand.audit.models import AuditEntry  # noqa: PLC0415

    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    postgres = connection.vendor == "postgresql"
    # On SQLite, CAST keeps the sqlite3 module's datetime converter away: the stored text is
    # reformatted by slicing, which is cheaper than parsing it.
    stamp = _PG_TIMESTAMP if postgres else "CAST(occurred_at AS TEXT)"
    columns = _COLUMNS.format(occurred_at=stamp)
    sql = f"SELECT {columns} FROM {table} ORDER BY seq"  # noqa: S608 - constant parts only
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql)
        while batch := cursor.fetchmany(chunk_size):
            if postgres:
                yield from batch
                continue
            for row in batch:
                # Django stores UTC as "YYYY-MM-DD HH:MM:SS[.ffffff]" on SQLite.
                stamp = row[1]
                if len(stamp) == 19:
                    stamp += ".000000"
                yield (row[0], f"{stamp[:10]}T{stamp[11:]}+00:00", *row[2:])


def verify_rows(rows: Iterable[tuple[Any, ...]]) -> VerifyResult:
    """The checks of evenhand.audit.chain.verify_entries, over tuples."""
    expected = 1
    prev = GENESIS_HASH
    checked = 0
    sha256 = hashlib.sha256
    text = encode_basestring
    for row in rows:
        (seq, stamp, actor_id, label, action, outcome, stype, sid, case_id) = row[:9]
        (before, after, request_id, prev_hash, stored) = row[9:]
        if seq != expected:
            return VerifyResult(False, checked, prev, seq, "sequence gap or reordering")
        if prev_hash != prev:
            return VerifyResult(False, checked, prev, seq, "prev_hash does not match")
        body = _TEMPLATE % (
            text(action),
            "null" if actor_id is None else int(actor_id),
            text(label),
            _nested(after),
            _nested(before),
            "null" if case_id is None else int(case_id),
            text(stamp),
            text(outcome),
            text(prev_hash),
            text(request_id),
            int(seq),
            text(sid),
            text(stype),
        )
        digest = sha256(body.encode())
        digest.update(prev_hash.encode())
        recomputed = digest.hexdigest()
        if recomputed != stored:
            return VerifyResult(False, checked, prev, seq, "stored hash does not match")
        prev = recomputed
        checked += 1
        expected += 1
    return VerifyResult(True, checked, prev)


def prototype_verify_database(chunk_size: int = 5000) -> VerifyResult:
    return verify_rows(_rows(chunk_size))
