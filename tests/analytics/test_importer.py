"""Importing the real CCSAO files (both layouts) and malformed copies of them."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from contextlib import AbstractContextManager
from io import StringIO
from pathlib import Path

import pyarrow as pa
import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evenhand.analytics import importer, store
from evenhand.analytics.bundled import import_bundled_extract
from evenhand.analytics.queries import consistency
from tests.analytics.conftest import AGGREGATE_2017, EXPORT_SAMPLE, EXTRACT_2019


def _count(dataset: str) -> int:
    row = store.connect().execute(f"SELECT count(*) FROM {dataset}").fetchone()
    assert row is not None
    return int(row[0])


def _copy(source: Path, target: Path, *, edit: dict[int, bytes] | None = None) -> Path:
    """Copy a CSV, replacing whole lines (1-based, header is line 1) by the given bytes."""
    lines = source.read_bytes().split(b"\n")
    for number, text in (edit or {}).items():
        lines[number - 1] = text
    target.write_bytes(b"\n".join(lines))
    return target


def test_the_2019_extract_imports_whole_and_typed() -> None:
    result = importer.import_files(sorted(EXTRACT_2019.glob("*.csv")))
    assert result.rejects == []
    assert result.checked_line_by_line == []  # clean files take the one-pass path
    assert result.manifest.datasets == {
        "dispositions": 18243,
        "initiation": 55411,
        "intake": 25310,
        "sentencing": 4149,
    }
    assert {f.layout for f in result.manifest.files} == {"api-2019"}
    connection = store.connect()
    first = connection.execute(
        "SELECT disposition_date, primary_charge_flag, charge_count, disposition_charged_class, "
        "disposition_court_name, law_enforcement_unit, received_date, arrest_date "
        "FROM dispositions WHERE charge_id = '2534066046185'"
    ).fetchone()
    assert first == (
        dt.date(2019, 4, 8),
        True,
        1,
        "4",
        "District 1 - Chicago",
        "District 10 - Ogden",
        dt.date(2019, 1, 1),
        dt.datetime(2018, 12, 31, 22, 55),  # noqa: DTZ001 - the data's wall clock
    )
    sentence = connection.execute(
        "SELECT current_sentence_flag, commitment_term, commitment_term_number, "
        "sentence_court_name, length_of_case_in_days FROM sentencing "
        "WHERE charge_id = '2534066046185'"
    ).fetchone()
    assert sentence == (True, "2", 2.0, "District 1 - Chicago", 62)
    # Joins are closed inside the extract: every disposition finds its initiation charge.
    orphans = connection.execute(
        "SELECT count(*) FROM dispositions d LEFT JOIN initiation i "
        "ON i.release = d.release AND i.case_participant_id = d.case_participant_id "
        "AND i.charge_id = d.charge_id WHERE i.charge_id IS NULL"
    ).fetchone()
    assert orphans == (0,)


def test_the_current_export_sample_imports_with_its_quirks() -> None:
    result = importer.import_files(sorted(EXPORT_SAMPLE.glob("*.csv")))
    assert result.rejects == []
    assert result.checked_line_by_line == []
    assert result.manifest.datasets == {
        "dispositions": 45,
        "diversion": 2,
        "initiation": 42,
        "intake": 15,
        "sentencing": 34,
    }
    connection = store.connect()
    # Intake's date-only columns and the 12-hour clock of the others both parse.
    intake = connection.execute(
        "SELECT received_date, arrest_date FROM intake WHERE case_participant_id = '1227866633457'"
    ).fetchone()
    assert intake == (dt.date(2011, 5, 24), dt.datetime(2011, 5, 22, 18, 51))  # noqa: DTZ001
    # Old PROMIS statutes stay in the chapter column; the class is kept as in the data.
    promis = connection.execute(
        "SELECT disposition_charged_chapter, disposition_charged_act, disposition_charged_class "
        "FROM dispositions WHERE charge_id = '3589262968127'"
    ).fetchone()
    assert promis == ("38-10-2-A(3)", None, "1")
    terms = connection.execute(
        "SELECT count(*) FROM sentencing WHERE commitment_term IS NOT NULL"
    ).fetchone()
    assert terms is not None
    assert terms[0] > 0
    assert _count("diversion") == 2


def test_both_releases_live_side_by_side_with_ids_scoped_to_each() -> None:
    old = importer.import_files(sorted(EXTRACT_2019.glob("intake.csv")))
    new = importer.import_files(sorted(EXPORT_SAMPLE.glob("intake.csv")))
    rows = store.connect().execute("SELECT release, count(*) FROM intake GROUP BY ALL").fetchall()
    assert dict(rows) == {old.release: 25310, new.release: 15}


def test_reimporting_the_same_files_changes_nothing(tmp_path: Path) -> None:
    files = sorted(EXPORT_SAMPLE.glob("*.csv"))
    first = importer.import_files(files)
    renamed = [shutil.copy(f, tmp_path / f"copy-{f.name}") for f in files]
    again = importer.import_files([Path(p) for p in renamed])
    assert again.already_imported
    assert again.release == first.release
    assert again.manifest.imported_at == first.manifest.imported_at
    assert len(store.list_releases()) == 1


def test_a_named_release_holding_other_files_is_only_replaced_on_request() -> None:
    importer.import_files([EXPORT_SAMPLE / "intake.csv"], release="portal-2026")
    with pytest.raises(importer.ImportRefusedError, match="--replace"):
        importer.import_files([EXPORT_SAMPLE / "diversion.csv"], release="portal-2026")
    assert _count("intake") == 15
    importer.import_files([EXPORT_SAMPLE / "diversion.csv"], release="portal-2026", replace=True)
    assert (_count("intake"), _count("diversion")) == (0, 2)


def test_the_aggregate_table_is_refused_and_nothing_is_written() -> None:
    aggregate = next(AGGREGATE_2017.glob("*.csv"))
    with pytest.raises(importer.ImportRefusedError, match="aggregate table") as refused:
        importer.import_files([EXPORT_SAMPLE / "intake.csv", aggregate])
    assert "DEFENDANT COUNT" in str(refused.value)
    assert store.list_releases() == []


def test_a_missing_column_is_named_and_refuses_the_whole_import(tmp_path: Path) -> None:
    source = EXPORT_SAMPLE / "dispositions.csv"
    header, *rows = source.read_text().split("\n")
    columns = header.split(",")
    dropped = columns.index("JUDGE")
    lines = [",".join(c for i, c in enumerate(columns) if i != dropped)]
    lines.extend(rows)
    broken = tmp_path / "dispositions.csv"
    broken.write_text("\n".join(lines))
    with pytest.raises(importer.ImportRefusedError, match="missing columns: judge"):
        importer.import_files([EXPORT_SAMPLE / "intake.csv", broken])
    assert store.list_releases() == []
    assert _count("intake") == 0


def test_an_older_layout_is_refused_naming_the_columns(tmp_path: Path) -> None:
    mid_2019 = tmp_path / "sentencing.csv"
    mid_2019.write_text(
        "CASE_ID,CASE_PARTICIPANT_ID,CHARGE_ID,CHARGE_VERSION_ID,PRIMARY_CHARGE,OFFENSE_TITLE,"
        "CHAPTER,ACT,SECTION,CLASS,AOIC,DISPO_DATE,SENTENCE_PHASE,OFFENSE_TYPE\n"
    )
    with pytest.raises(importer.ImportRefusedError) as refused:
        importer.import_files([mid_2019])
    assert "columns it cannot map" in str(refused.value)
    assert "dispo_date" in str(refused.value)


def test_bad_rows_are_reported_with_file_line_and_reason_and_the_rest_lands(
    tmp_path: Path,
) -> None:
    source = EXTRACT_2019 / "intake.csv"
    original = source.read_bytes().split(b"\n")
    broken = _copy(
        source,
        tmp_path / "intake.csv",
        edit={
            5: original[4].replace(b"2019-01-0", b"2019-13-4", 1),  # bad date
            9: original[8][:40],  # truncated row
            12: original[11].replace(b"Chicago", b"Chicag\xe9", 1),  # Latin-1 byte
            15: original[14].replace(b",Male,", b",Male,,", 1),  # one field too many
        },
    )
    result = importer.import_files([broken])
    assert result.checked_line_by_line == ["intake.csv"]
    reasons = {r.line: r.reason for r in result.rejects}
    assert sorted(reasons) == [5, 9, 12, 15]
    assert reasons[5].startswith("not a date in received_date: '2019-13-4")
    assert "wrong number of fields" in reasons[9]
    assert "not valid text" in reasons[12]
    assert "wrong number of fields" in reasons[15]
    assert {r.file for r in result.rejects} == {"intake.csv"}
    assert result.manifest.files[0].rows_read == 25310
    assert result.manifest.files[0].rows_rejected == 4
    assert _count("intake") == 25310 - 4
    saved = store.rejects_path(result.release).read_text().splitlines()
    assert saved[0] == "file,line,reason"
    assert len(saved) == 5


def test_a_latin1_file_imports_when_its_encoding_is_given(tmp_path: Path) -> None:
    text = (EXPORT_SAMPLE / "intake.csv").read_text().replace("Approved", "Approuvé")
    latin = tmp_path / "intake.csv"
    latin.write_bytes(text.encode("latin-1"))
    as_utf8 = importer.import_files([latin], release="as-utf8")
    assert as_utf8.manifest.rows_rejected > 0
    as_latin = importer.import_files([latin], release="as-latin1", encoding="latin-1")
    assert as_latin.rejects == []
    statuses = (
        store.connect()
        .execute(
            "SELECT DISTINCT felony_review_result FROM intake WHERE release = 'as-latin1' "
            "AND felony_review_result LIKE 'Appro%'"
        )
        .fetchall()
    )
    assert statuses == [("Approuvé",)]


def test_a_header_in_another_encoding_is_refused_clearly(tmp_path: Path) -> None:
    utf16 = tmp_path / "intake.csv"
    utf16.write_bytes((EXPORT_SAMPLE / "intake.csv").read_text().encode("utf-16"))
    with pytest.raises(importer.ImportRefusedError, match="not valid utf-8"):
        importer.import_files([utf16])


def test_a_failure_while_writing_leaves_nothing_visible(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_open = store.open_parquet_writer
    opened = {"n": 0}

    def failing_open(
        target: Path, schema: pa.Schema, *, no_dictionary: frozenset[str] = frozenset()
    ) -> AbstractContextManager[object]:
        opened["n"] += 1
        if opened["n"] == 3:
            raise OSError("disk full")
        return real_open(target, schema, no_dictionary=no_dictionary)

    monkeypatch.setattr(store, "open_parquet_writer", failing_open)
    with pytest.raises(OSError, match="disk full"):
        importer.import_files(sorted(EXTRACT_2019.glob("*.csv")))
    assert store.list_releases() == []
    assert all(_count(d) == 0 for d in ("intake", "initiation", "dispositions", "sentencing"))
    assert not list((tmp_path / "analytics").glob("*/release=*"))


def test_a_failure_while_writing_a_file_with_rejects_leaves_nothing_visible(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing_copy(*_args: object) -> int:
        raise OSError("disk full")

    monkeypatch.setattr(store, "copy_to_parquet", failing_copy)
    good = EXPORT_SAMPLE / "intake.csv"
    bad = _copy(EXPORT_SAMPLE / "diversion.csv", tmp_path / "diversion.csv", edit={2: b"1,2"})
    with pytest.raises(OSError, match="disk full"):
        importer.import_files([good, bad])
    assert store.list_releases() == []
    assert _count("intake") == 0
    assert not list((tmp_path / "analytics").glob("*/release=*"))


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    moments=st.lists(
        st.datetimes(min_value=dt.datetime(1901, 1, 1), max_value=dt.datetime(2099, 12, 31)),  # noqa: DTZ001
        min_size=1,
        max_size=5,
    )
)
def test_every_date_form_of_the_layouts_reads_back_the_same_day(
    tmp_path: Path, moments: list[dt.datetime]
) -> None:
    header = (EXPORT_SAMPLE / "diversion.csv").read_text().split("\n")[0]
    forms: list[Callable[[dt.datetime], str]] = [
        lambda m: m.strftime("%m/%d/%Y %I:%M:%S %p"),
        lambda m: m.strftime("%m/%d/%Y"),
        lambda m: m.strftime("%Y-%m-%dT%H:%M:%S"),
        lambda m: f"{m.month}/{m.day}/{m.year} {m.strftime('%I:%M:%S %p').lstrip('0')}",
    ]
    lines = [header]
    for index, moment in enumerate(moments):
        shown = forms[index % len(forms)](moment)
        lines.append(f"1,{index},{shown},Retail Theft,DS,{shown},1,THEFT,,,,Graduated,")
    path = tmp_path / f"diversion-{abs(hash(tuple(moments)))}.csv"
    path.write_text("\n".join(lines) + "\n")
    result = importer.import_files([path], release="dates", replace=True)
    assert result.rejects == []
    assert result.checked_line_by_line == []
    stored = (
        store.connect()
        .execute(
            "SELECT received_date FROM diversion ORDER BY CAST(case_participant_id AS INTEGER)"
        )
        .fetchall()
    )
    assert [row[0] for row in stored] == [m.date() for m in moments]


def test_the_command_imports_reports_and_lists(tmp_path: Path) -> None:
    out = StringIO()
    call_command(
        "opendata", "import", *sorted(EXPORT_SAMPLE.glob("*.csv")), "--no-progress", stdout=out
    )
    assert "138 rows stored, 0 rejected" in out.getvalue()
    # The consistency check's aggregates are built by the import, not by the first check.
    assert "consistency aggregates ready" in out.getvalue()
    ready = consistency.aggregates_dir(consistency.cache_key(consistency.default_releases()))
    assert sorted(p.name for p in ready.glob("*.parquet")) == [
        "count_histogram.parquet",
        "outcome_counts.parquet",
    ]
    again = StringIO()
    call_command(
        "opendata", "import", *sorted(EXPORT_SAMPLE.glob("*.csv")), "--no-progress", stdout=again
    )
    assert "nothing changed" in again.getvalue()
    listing = StringIO()
    call_command("opendata", "releases", stdout=listing)
    assert "layout current" in listing.getvalue()
    assert "intake 15" in listing.getvalue()
    with pytest.raises(CommandError, match="aggregate table"):
        call_command("opendata", "import", *AGGREGATE_2017.glob("*.csv"), "--no-progress")
    bad = _copy(EXPORT_SAMPLE / "intake.csv", tmp_path / "intake.csv", edit={3: b"1,2,3"})
    report = StringIO()
    call_command("opendata", "import", str(bad), "--no-progress", stdout=report)
    assert "intake.csv:3: wrong number of fields" in report.getvalue()


def test_the_bundled_extract_is_the_shared_one_and_imports_once() -> None:
    first = import_bundled_extract()
    assert first.release == "chicagoda-2019"
    assert sorted(f.sha256 for f in first.manifest.files) == sorted(
        importer.sha256_of(p) for p in EXTRACT_2019.glob("*.csv")
    )
    assert first.manifest.rows_read == 25310 + 55411 + 18243 + 4149
    assert import_bundled_extract().already_imported


def test_two_files_of_one_dataset_one_clean_one_damaged_land_as_one_typed_dataset(
    tmp_path: Path,
) -> None:
    source = EXTRACT_2019 / "intake.csv"
    original = source.read_bytes().split(b"\n")
    damaged = _copy(
        source,
        tmp_path / "intake-2019.csv",
        edit={4: original[3].replace(b"2019-01-0", b"2019-13-4", 1)},
    )
    result = importer.import_files([EXPORT_SAMPLE / "intake.csv", damaged], release="mixed")
    assert result.checked_line_by_line == ["intake-2019.csv"]
    # With the release named, files are hashed as they are read (or re-read when damaged).
    assert [f.sha256 for f in result.manifest.files] == [
        importer.sha256_of(EXPORT_SAMPLE / "intake.csv"),
        importer.sha256_of(damaged),
    ]
    assert [r.line for r in result.rejects] == [4]
    assert [(f.name, f.rows_read, f.rows_rejected) for f in result.manifest.files] == [
        ("intake.csv", 15, 0),
        ("intake-2019.csv", 25310, 1),
    ]
    assert result.manifest.datasets == {"intake": 15 + 25310 - 1}
    connection = store.connect()
    # Rows from the one-pass file and from the reject-finding path read back with one schema.
    typed = connection.execute(
        "SELECT typeof(received_date), typeof(arrest_date), typeof(age_at_incident), "
        "count(*) FROM intake GROUP BY ALL"
    ).fetchall()
    assert typed == [("DATE", "TIMESTAMP", "INTEGER", 25324)]
    both = connection.execute(
        "SELECT received_date FROM intake WHERE case_participant_id IN "
        "('1227866633457', '2534066046185') ORDER BY 1"
    ).fetchall()
    assert both[0] == (dt.date(2011, 5, 24),)


def test_the_command_shows_a_progress_bar_in_rows_per_second(
    capsys: pytest.CaptureFixture[str],
) -> None:
    call_command("opendata", "import", str(EXTRACT_2019 / "intake.csv"), stdout=StringIO())
    bar = capsys.readouterr().err
    assert "importing" in bar
    assert "rows/s" in bar
    assert "25.3k" in bar  # the bar ends on the true row count
