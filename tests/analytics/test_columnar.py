"""The importer's multi-threaded path cuts a file into segments of whole records: a cut never
falls inside a quoted value, and a file reads back the same whatever the segment size."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evenhand.analytics import columnar, importer, store
from tests.analytics.conftest import EXPORT_SAMPLE

# Plain text, or a quoted value holding commas, doubled quotes and line ends.
field = st.one_of(
    st.text(alphabet="abc 19/", max_size=6).map(str.encode),
    st.text(alphabet='ab,\n"', max_size=8).map(
        lambda t: b'"' + t.replace('"', '""').encode() + b'"'
    ),
)
record = st.lists(field, min_size=1, max_size=4).map(lambda fields: b",".join(fields) + b"\n")


def _pieces(data: bytes, size: int, monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    monkeypatch.setattr(columnar, "_SEGMENT_BYTES", size)
    return [bytes(piece) for piece in columnar._segments(io.BufferedReader(io.BytesIO(data)), None)]


@given(records=st.lists(record, min_size=1, max_size=30), size=st.integers(1, 64))
def test_segments_hold_whole_records_and_join_to_the_file(records: list[bytes], size: int) -> None:
    data = b"".join(records)
    with pytest.MonkeyPatch.context() as monkeypatch:
        pieces = _pieces(data, size, monkeypatch)
    assert b"".join(pieces) == data
    # Each piece ends where a record ends: outside quotes, at a line end.
    ends = set()
    offset = 0
    for one in records:
        offset += len(one)
        ends.add(offset)
    offset = 0
    for piece in pieces:
        offset += len(piece)
        assert offset in ends
        assert piece.count(b'"') % 2 == 0


def test_a_file_reads_back_the_same_in_tiny_segments(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = (EXPORT_SAMPLE / "initiation.csv").read_bytes().split(b"\n")
    # A charge title with a line end, a comma and doubled quotes inside its quotes.
    title = b"AGGRAVATED UNLAWFUL USE OF WEAPON"
    assert title in lines[4]
    lines[4] = lines[4].replace(title, b'"AGGRAVATED ""UNLAWFUL""\nUSE, OF WEAPON"')
    source = tmp_path / "initiation.csv"
    source.write_bytes(b"\n".join(lines))

    whole = importer.import_files([source], release="whole")
    monkeypatch.setattr(columnar, "_SEGMENT_BYTES", 97)
    cut = importer.import_files([source], release="cut")
    assert not whole.checked_line_by_line
    assert not cut.checked_line_by_line
    connection = store.connect()
    columns = "* EXCLUDE (release)"
    rows = {
        release: connection.execute(
            f"SELECT {columns} FROM initiation WHERE release = ? "
            "ORDER BY charge_id, charge_version_id",
            [release],
        ).fetchall()
        for release in ("whole", "cut")
    }
    assert rows["whole"] == rows["cut"]
    assert len(rows["cut"]) == whole.manifest.rows_read
    titles = {
        row[0]
        for row in connection.execute("SELECT charge_offense_title FROM initiation").fetchall()
    }
    assert 'AGGRAVATED "UNLAWFUL"\nUSE, OF WEAPON' in titles
