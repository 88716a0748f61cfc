"""The store: typed views over every committed release, empty views before any file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pytest

from evenhand.analytics import store
from evenhand.analytics.layouts import CURRENT_COLUMNS, Dataset


def _column_types(dataset: str) -> dict[str, str]:
    rows = store.connect().execute(f"DESCRIBE {dataset}").fetchall()
    return {row[0]: row[1] for row in rows}


def test_empty_store_has_typed_empty_views() -> None:
    connection = store.connect()
    for dataset in Dataset:
        assert connection.execute(f"SELECT count(*) FROM {dataset.value}").fetchone() == (0,)
    types = _column_types("dispositions")
    assert types["disposition_date"] == "DATE"
    assert types["primary_charge_flag"] == "BOOLEAN"
    assert types["charge_count"] == "INTEGER"
    assert types["case_id"] == "VARCHAR"
    assert types["release"] == "VARCHAR"
    assert types["source"] == "VARCHAR"
    assert set(CURRENT_COLUMNS[Dataset.DISPOSITIONS]) <= set(types)


def test_write_release_fills_missing_columns_and_scopes_ids_by_release() -> None:
    table = pa.table(
        {
            "case_id": ["1", "2"],
            "charge_count": [1, 3],
            "disposition_charged_class": ["4", "Z"],
            "disposition_date": [dt.date(2019, 4, 8), None],
        }
    )
    assert store.write_release("dispositions", "r1", table) == 2
    store.write_release(Dataset.DISPOSITIONS, "office", table.slice(0, 1))
    connection = store.connect()
    rows = connection.execute(
        "SELECT release, source, case_id, disposition_charged_class, judge FROM dispositions "
        "ORDER BY release, case_id"
    ).fetchall()
    assert rows == [
        ("office", "office", "1", "4", None),
        ("r1", "opendata", "1", "4", None),
        ("r1", "opendata", "2", "Z", None),
    ]
    assert _column_types("dispositions")["charge_count"] == "INTEGER"


def test_write_release_replaces_the_partition() -> None:
    store.write_release("intake", "r1", pa.table({"case_id": ["1", "2"]}))
    store.write_release("intake", "r1", pa.table({"case_id": ["3"]}))
    assert store.connect().execute("SELECT case_id FROM intake").fetchall() == [("3",)]
    manifest = store.read_manifest("r1")
    assert manifest is not None
    assert manifest.datasets == {"intake": 1}


def test_write_release_refuses_unknown_columns_and_bad_names() -> None:
    with pytest.raises(store.StoreError, match="no columns named judgee"):
        store.write_release("dispositions", "r1", pa.table({"judgee": ["x"]}))
    with pytest.raises(store.StoreError, match="unknown dataset"):
        store.write_release("verdicts", "r1", pa.table({"case_id": ["x"]}))
    with pytest.raises(store.StoreError, match="release id"):
        store.write_release("intake", "../escape", pa.table({"case_id": ["x"]}))
    assert store.list_releases() == []


def test_partition_without_manifest_is_invisible_and_swept(tmp_path: Path) -> None:
    store.write_release("intake", "r1", pa.table({"case_id": ["1"]}))
    orphan = tmp_path / "analytics" / "intake" / "release=killed"
    orphan.mkdir(parents=True)
    (orphan / "part-0.parquet").write_bytes(
        (tmp_path / "analytics" / "intake" / "release=r1" / "part-0.parquet").read_bytes()
    )
    assert store.connect().execute("SELECT count(*) FROM intake").fetchone() == (1,)
    assert store.sweep_uncommitted() == ["intake/release=killed"]
    assert not orphan.exists()


def test_remove_release() -> None:
    store.write_release("intake", "r1", pa.table({"case_id": ["1"]}))
    assert store.remove_release("r1")
    assert not store.remove_release("r1")
    assert store.connect().execute("SELECT count(*) FROM intake").fetchone() == (0,)
