"""The fast verification: canonical form identity, row checks and the parallel walk."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from evenhand.audit.chain import (
    CHAINED_FIELDS,
    GENESIS_HASH,
    VerifyResult,
    canonical_bytes,
    check_rows,
    entry_hash,
    sqlite_stamp,
    verify_entries,
)
from evenhand.audit.models import AuditAction, AuditEntry, AuditOutcome
from evenhand.audit.services import audit_verify_database, chain_fields, stream_entries
from tests.audit.test_chain import TABLE


def reference_canonical(entry: dict[str, Any]) -> bytes:
    """The definition in docs/operations.md, written with json.dumps."""
    chained = {name: entry[name] for name in CHAINED_FIELDS}
    text = json.dumps(
        chained, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    return text.encode()


big_ints = st.integers() | st.integers(min_value=-(10**60), max_value=10**60)
scalars = (
    st.none()
    | st.booleans()
    | big_ints
    | st.text()
    | st.floats(allow_nan=False, allow_infinity=False)
)
nested = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)
entries = st.fixed_dictionaries(
    {
        "seq": big_ints,
        "occurred_at": st.text() | st.none(),
        "actor_id": st.none() | big_ints,
        "actor_label": st.text(),
        "action": st.text(),
        "outcome": st.text(),
        "subject_type": st.text(),
        "subject_id": st.text(),
        "case_id": st.none() | big_ints,
        "before": nested,
        "after": nested,
        "request_id": st.text(),
        "prev_hash": st.text(),
    },
    optional={"hash": st.text(), "extra": nested},
)


@given(entries)
@settings(max_examples=250, deadline=None)
def test_fast_canonical_form_is_byte_identical_to_json_dumps(entry: dict[str, Any]) -> None:
    assert canonical_bytes(entry) == reference_canonical(entry)


@given(st.dictionaries(st.sampled_from(CHAINED_FIELDS), nested))
@settings(max_examples=100, deadline=None)
def test_fast_canonical_form_fails_like_json_dumps(entry: dict[str, Any]) -> None:
    """Missing fields raise the same KeyError (the first missing in CHAINED_FIELDS order)."""
    try:
        expected: bytes | Exception = reference_canonical(entry)
    except KeyError as exc:
        expected = exc
    try:
        got: bytes | Exception = canonical_bytes(entry)
    except KeyError as exc:
        got = exc
    assert repr(got) == repr(expected)


def _as_row(entry: dict[str, Any], stamp: str) -> tuple[Any, ...]:
    stored = [
        json.dumps(entry[name]) if entry[name] is not None else None for name in ("before", "after")
    ]
    values = [entry[name] for name in CHAINED_FIELDS]
    values[1] = stamp
    values[9], values[10] = stored
    return (*values, entry["hash"])


json_objects = st.none() | st.dictionaries(st.text(), nested, max_size=4)


@given(st.lists(st.tuples(json_objects, json_objects, st.text(), st.datetimes()), max_size=8))
@settings(max_examples=100, deadline=None)
def test_row_checks_agree_with_verify_entries(
    contents: list[tuple[object, object, str, dt.datetime]],
) -> None:
    chain: list[dict[str, Any]] = []
    rows = []
    prev = GENESIS_HASH
    for seq, (before, after, label, when) in enumerate(contents, start=1):
        entry: dict[str, Any] = {
            "seq": seq, "occurred_at": when.isoformat(timespec="microseconds") + "+00:00",
            "actor_id": seq * 7, "actor_label": label, "action": "case.viewed",
            "outcome": "success", "subject_type": "case", "subject_id": str(seq),
            "case_id": None, "before": before, "after": after, "request_id": "r", "prev_hash": prev,
        }  # fmt: skip
        entry["hash"] = prev = entry_hash(entry)
        chain.append(entry)
        rows.append(_as_row(entry, str(when)))  # the form Django stores on SQLite
    expected = verify_entries(chain)
    status, checked, last, _, _ = check_rows(rows, 1, GENESIS_HASH, sqlite_stamps=True)
    assert (status, checked, last) == ("ok", expected.checked, expected.last_hash)


@given(st.datetimes())
def test_sqlite_stamp_matches_the_orm_conversion(when: dt.datetime) -> None:
    stored = str(when)  # what Django's SQLite backend writes for a naive UTC datetime
    expected = when.replace(tzinfo=dt.UTC).isoformat(timespec="microseconds")
    assert sqlite_stamp(stored) == expected


@pytest.mark.parametrize(
    "text", ["2024-01-02T08:00:00", "2024-01-02 08:00:00.123+00:00", "2024-02-30 08:00:00", "x"]
)
def test_sqlite_stamp_leaves_other_forms_to_django(text: str) -> None:
    assert sqlite_stamp(text) is None


# --- the database walk, serial and parallel --------------------------------------------------

ENTRIES = 3_000
CHUNK = 500


def _build_chain(count: int = ENTRIES) -> None:
    """A valid chain written in bulk (audit_record one by one would take too long here)."""
    start = dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.UTC)
    prev = GENESIS_HASH
    rows = []
    for seq in range(1, count + 1):
        entry = AuditEntry(
            seq=seq,
            # Every tenth timestamp has no microseconds: SQLite stores those without a fraction.
            occurred_at=start
            + dt.timedelta(seconds=seq, microseconds=0 if seq % 10 == 0 else seq * 37 % 10**6),
            actor_label=f"user-{seq % 13}",
            action=AuditAction.CASE_UPDATED if seq % 3 else AuditAction.CASE_VIEWED,
            outcome=AuditOutcome.SUCCESS,
            subject_type="case",
            subject_id=str(seq),
            case_id=seq if seq % 4 else None,
            before={"title": f"old {seq}", "ñ": ["é", seq]} if seq % 3 == 0 else None,
            after={"title": f"new {seq}", "n": 10**30 + seq, "none": None} if seq % 2 else None,
            request_id=f"req-{seq}",
            prev_hash=prev,
        )
        entry.hash = prev = entry_hash(chain_fields(entry))
        rows.append(entry)
    AuditEntry.objects.bulk_create(rows, batch_size=500)


def _all_ways() -> tuple[VerifyResult, VerifyResult, VerifyResult]:
    """The reference walk (ORM dictionaries), the serial row walk and the parallel one."""
    reference = verify_entries(stream_entries())
    serial = audit_verify_database(CHUNK, workers=1)
    parallel = audit_verify_database(CHUNK, workers=2, parallel_threshold=0)
    return reference, serial, parallel


@pytest.mark.django_db
def test_parallel_walk_passes_with_the_same_head() -> None:
    _build_chain()
    reference, serial, parallel = _all_ways()
    assert reference.ok
    assert reference.checked == ENTRIES
    assert serial == reference
    assert parallel == reference


def _tamper(sql: str, *params: Any) -> None:
    """What a database owner could do: switch the append-only triggers off, then edit."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS audit_no_delete")
        cursor.execute(sql.format(t=TABLE), list(params))


TAMPERINGS = {
    # (statement, params, first bad seq)
    "field in a middle chunk": ("UPDATE {t} SET actor_label = 'x' WHERE seq = %s", [1250], 1250),
    "nested JSON in a middle chunk": (
        """UPDATE {t} SET after = '{{"title": "forged"}}' WHERE seq = %s""",
        [1751],
        1751,
    ),
    "timestamp in a middle chunk": (
        "UPDATE {t} SET occurred_at = '2001-01-01 00:00:00' WHERE seq = %s",
        [1499],
        1499,
    ),
    "hash of a chunk's last entry": (
        f"UPDATE {{t}} SET hash = '{'2' * 64}' WHERE seq = %s",
        [1000],
        1000,
    ),
    "prev_hash of a chunk's first entry": (
        f"UPDATE {{t}} SET prev_hash = '{'1' * 64}' WHERE seq = %s",
        [1001],
        1001,
    ),
    "row deleted at a chunk boundary": ("DELETE FROM {t} WHERE seq = %s", [1001], 1002),
    "last rows of a chunk deleted": ("DELETE FROM {t} WHERE seq IN (%s, %s)", [499, 500], 501),
    "two tamperings, the first wins": (
        "UPDATE {t} SET subject_id = 'x' WHERE seq IN (%s, %s)",
        [2900, 1600],
        1600,
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(TAMPERINGS))
def test_parallel_walk_reports_the_first_bad_entry_exactly(name: str) -> None:
    _build_chain()
    sql, params, bad_seq = TAMPERINGS[name]
    _tamper(sql, *params)
    reference, serial, parallel = _all_ways()
    assert not reference.ok
    assert reference.first_bad_seq == bad_seq
    assert serial == reference
    assert parallel == reference
    assert parallel.describe().startswith(f"FAIL at entry seq={bad_seq}: ")


@pytest.mark.django_db
def test_parallel_walk_detects_reordering_across_a_chunk_boundary() -> None:
    _build_chain()
    _tamper("UPDATE {t} SET seq = -1 WHERE seq = %s", 1000)
    _tamper("UPDATE {t} SET seq = %s WHERE seq = %s", 1000, 1001)
    _tamper("UPDATE {t} SET seq = %s WHERE seq = -1", 1001)
    reference, serial, parallel = _all_ways()
    assert reference.first_bad_seq == 1000
    assert serial == reference
    assert parallel == reference


@pytest.mark.django_db
def test_timestamps_verify_in_any_stored_form_and_a_moved_one_is_caught() -> None:
    _build_chain()
    if connection.vendor == "sqlite":
        # The same instants, written in other text forms Django also reads.
        _tamper(
            "UPDATE {t} SET occurred_at = replace(occurred_at, ' ', 'T') || '+00:00' "
            "WHERE seq IN (%s, %s, %s)",
            7, 1000, 2999,
        )  # fmt: skip
        moved = "UPDATE {t} SET occurred_at = '2001-01-01T00:00:00+01:00' WHERE seq = %s"
    else:
        # PostgreSQL stores instants, not text: only a moved instant must be caught.
        moved = "UPDATE {t} SET occurred_at = occurred_at + interval '1 hour' WHERE seq = %s"
    reference, serial, parallel = _all_ways()
    assert reference.ok
    assert serial == reference
    assert parallel == reference
    _tamper(moved, 1200)
    reference, serial, parallel = _all_ways()
    assert reference.first_bad_seq == 1200
    assert serial == reference
    assert parallel == reference


@pytest.mark.django_db
def test_empty_chain_verifies() -> None:
    assert not AuditEntry.objects.exists()
    assert audit_verify_database(CHUNK, workers=2, parallel_threshold=0) == VerifyResult(
        True, 0, GENESIS_HASH
    )
