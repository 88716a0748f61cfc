"""The ranged walk: workers read runs of the committed chain over their own connections.

The test's chain lives in the test transaction, which no other connection can see, so each test
copies the (possibly tampered) chain into a committed scratch table the workers read. The
parent's serial re-walks read the test's own table, which holds the same rows.
"""

from __future__ import annotations

import dataclasses
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from evenhand.audit.chain import VerifyResult, verify_entries
from evenhand.audit.services import RowSource, _row_source, _verify_ranged, stream_entries
from tests.audit.test_chain import TABLE
from tests.audit.test_verify_fast import ENTRIES, TAMPERINGS, _build_chain, _tamper

RUN = 400  # not a divisor of the chunk boundaries the tamperings aim at


def _chain_rows() -> list[tuple[Any, ...]]:
    stamp = "CAST(occurred_at AS TEXT)" if connection.vendor == "sqlite" else "occurred_at"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT seq, {stamp}, actor_id, actor_label, action, outcome, subject_type, "
            "subject_id, case_id, before, after, request_id, prev_hash, hash "
            f"FROM {TABLE} ORDER BY seq"
        )
        return list(cursor.fetchall())


_COLUMNS = (
    "seq {int} PRIMARY KEY, occurred_at {stamp} NOT NULL, actor_id {int}, actor_label text, "
    "action text, outcome text, subject_type text, subject_id text, case_id {int}, "
    "before {json}, after {json}, request_id text, prev_hash text, hash text"
)


CopyChain = Callable[[], RowSource]


@pytest.fixture
def committed_copy(tmp_path: Path) -> Iterator[CopyChain]:
    """Copies the test's chain, as it is at the call, into a committed scratch table."""
    name = f"verify_scratch_{uuid.uuid4().hex[:12]}"
    if connection.vendor == "sqlite":
        source = RowSource("sqlite", {"database": str(tmp_path / "chain.sqlite3")}, name)
        columns = _COLUMNS.format(int="integer", stamp="text", json="text")
        db: Any = sqlite3.connect(source.connect["database"])
        mark = "?"
    else:
        import psycopg  # noqa: PLC0415  (PostgreSQL runs only)

        own = _row_source()
        assert own is not None
        source = dataclasses.replace(own, table=name)
        columns = _COLUMNS.format(int="bigint", stamp="timestamptz", json="jsonb")
        db = psycopg.connect(**source.connect, autocommit=True)
        mark = "%s"
    db.execute(f"CREATE TABLE {name} ({columns})")
    if connection.vendor == "sqlite":
        db.commit()

    def copy() -> RowSource:
        db.execute(f"DELETE FROM {name}")
        cursor = db.cursor()
        cursor.executemany(
            f"INSERT INTO {name} VALUES ({', '.join([mark] * 14)})",
            _chain_rows(),
        )
        if connection.vendor == "sqlite":
            db.commit()
        return source

    yield copy
    db.execute(f"DROP TABLE {name}")
    if connection.vendor == "sqlite":
        db.commit()
    db.close()


def _copy_and_walk(copy: CopyChain, workers: int = 2) -> tuple[VerifyResult, VerifyResult]:
    source = copy()
    reference = verify_entries(stream_entries())
    ranged = _verify_ranged(
        source, ENTRIES, workers, RUN, sqlite_stamps=connection.vendor == "sqlite"
    )
    return reference, ranged


@pytest.mark.django_db
def test_ranged_walk_passes_with_the_same_head(committed_copy: CopyChain) -> None:
    _build_chain()
    reference, ranged = _copy_and_walk(committed_copy)
    assert reference.ok
    assert reference.checked == ENTRIES
    assert ranged == reference


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(TAMPERINGS))
def test_ranged_walk_reports_the_first_bad_entry_exactly(
    committed_copy: CopyChain, name: str
) -> None:
    _build_chain()
    sql, params, bad_seq = TAMPERINGS[name]
    _tamper(sql, *params)
    reference, ranged = _copy_and_walk(committed_copy)
    assert reference.first_bad_seq == bad_seq
    assert ranged == reference
    assert ranged.describe().startswith(f"FAIL at entry seq={bad_seq}: ")


@pytest.mark.django_db
@pytest.mark.parametrize("boundary", [RUN, RUN + 1, 2 * RUN, ENTRIES])
def test_ranged_walk_catches_a_row_deleted_at_a_run_boundary(
    committed_copy: CopyChain, boundary: int
) -> None:
    _build_chain()
    _tamper("DELETE FROM {t} WHERE seq = %s", boundary)
    reference, ranged = _copy_and_walk(committed_copy)
    assert ranged == reference
    if boundary == ENTRIES:
        # The last entry gone: what is left is a valid, shorter chain.
        assert reference.ok
        assert reference.checked == ENTRIES - 1
    else:
        assert reference.first_bad_seq == boundary + 1


@pytest.mark.django_db
def test_ranged_walk_catches_reordering_across_a_run_boundary(committed_copy: CopyChain) -> None:
    _build_chain()
    _tamper("UPDATE {t} SET seq = -1 WHERE seq = %s", RUN)
    _tamper("UPDATE {t} SET seq = %s WHERE seq = %s", RUN, RUN + 1)
    _tamper("UPDATE {t} SET seq = %s WHERE seq = -1", RUN + 1)
    reference, ranged = _copy_and_walk(committed_copy)
    assert reference.first_bad_seq == RUN
    assert ranged == reference


@pytest.mark.django_db
def test_ranged_walk_with_one_worker_and_odd_timestamps(committed_copy: CopyChain) -> None:
    _build_chain()
    if connection.vendor == "sqlite":
        _tamper(
            "UPDATE {t} SET occurred_at = replace(occurred_at, ' ', 'T') || '+00:00' "
            "WHERE seq IN (%s, %s)",
            RUN, 2 * RUN + 5,
        )  # fmt: skip
    reference, ranged = _copy_and_walk(committed_copy, workers=1)
    assert reference.ok
    assert ranged == reference
