"""The office's cases in the county layout: de-identified, sealed cases out, one query for both."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from evenhand.accounts.models import Role
from evenhand.analytics import importer, store
from evenhand.analytics.office_export import export_office
from evenhand.dispositions.models import DispositionKind, EnrolmentStatus
from evenhand.dispositions.services import disposition_record, enrolment_end_unsuccessfully
from tests.analytics.conftest import EXPORT_SAMPLE
from tests.dispositions.factories import POSSESSION, RETAIL_THEFT, ROBBERY, charged_case, enrol
from tests.factories import make_user
from tests.sealing.factories import seal

pytestmark = pytest.mark.django_db


def _world() -> tuple[int, int]:
    open_case = charged_case(statute_key=ROBBERY, counts=2)
    disposition_record(
        actor=open_case.prosecutor,
        case_id=open_case.case.pk,
        charge_id=open_case.charges[1].pk,
        kind=DispositionKind.NOLLE_PROSEQUI,
        disposed_on=dt.date(2019, 6, 3),
    )
    sealed_case = charged_case(counts=1)
    seal(sealed_case.case, actor=make_user(role=Role.STATES_ATTORNEY))
    return open_case.case.pk, sealed_case.case.pk


def test_export_writes_the_office_release_in_the_layout(tmp_path: Path) -> None:
    _world()
    result = export_office(csv_dir=tmp_path / "csv")
    assert result.rows == {
        "intake": 1,
        "initiation": 2,
        "dispositions": 1,
        "sentencing": 0,
        "diversion": 0,
    }
    assert result.sealed_excluded == 1
    connection = store.connect()
    charges = connection.execute(
        "SELECT source, chapter, act, section, class, charge_count, primary_charge_flag, "
        "received_date FROM initiation WHERE release = 'office' ORDER BY charge_count"
    ).fetchall()
    assert charges[0][:5] == ("office", "720", "5", "18-1(a)", "2")
    assert [c[5:] for c in charges] == [
        (1, True, dt.date(2019, 1, 29)),
        (2, False, dt.date(2019, 1, 29)),
    ]
    disposed = connection.execute(
        "SELECT charge_disposition, disposition_date, disposition_charged_class FROM dispositions"
    ).fetchall()
    assert disposed == [("Nolle Prosecution", dt.date(2019, 6, 3), "2")]


def test_export_carries_no_name_and_no_database_id(tmp_path: Path) -> None:
    open_id, _ = _world()
    export_office(csv_dir=tmp_path / "csv")
    text = "".join(p.read_text() for p in (tmp_path / "csv").glob("*.csv"))
    assert "Vale" not in text
    assert "Jordan" not in text
    ids = store.connect().execute("SELECT DISTINCT case_id FROM initiation").fetchall()
    assert len(ids) == 1
    assert ids[0][0] != str(open_id)
    assert len(ids[0][0]) == 12


def test_each_export_hashes_ids_afresh_and_replaces_the_last() -> None:
    _world()
    export_office()
    first = store.connect().execute("SELECT case_id FROM intake").fetchall()
    export_office()
    second = store.connect().execute("SELECT case_id FROM intake").fetchall()
    assert len(first) == len(second) == 1
    assert first != second


def test_csv_export_reimports_and_one_query_covers_open_data_and_office(tmp_path: Path) -> None:
    _world()
    export_office(csv_dir=tmp_path / "csv")
    importer.import_files([EXPORT_SAMPLE / "dispositions.csv"], release="portal")
    again = importer.import_files(sorted((tmp_path / "csv").glob("*.csv")), release="office-csv")
    assert again.rejects == []
    rows = dict(
        store.connect()
        .execute("SELECT source, count(*) FROM dispositions GROUP BY source")
        .fetchall()
    )
    assert rows == {"opendata": 45 + 1, "office": 1}


def test_the_command_exports(tmp_path: Path) -> None:
    _world()
    out = StringIO()
    call_command("opendata", "export-office", "--csv", str(tmp_path / "csv"), stdout=out)
    assert "1 sealed cases left out" in out.getvalue()
    assert (tmp_path / "csv" / "initiation.csv").read_text().startswith("CASE_ID,")


def test_programme_enrolments_become_diversion_rows_in_the_county_layout(tmp_path: Path) -> None:
    office = charged_case(statute_key=RETAIL_THEFT, counts=2)
    enrol(office)
    drugs = charged_case(statute_key=POSSESSION, counts=1)
    ddpp = enrol(
        drugs,
        programme="drug_deferred_prosecution",
        ends_on=dt.date(2020, 3, 20),
        attestation="State criminal-history report checked on 2019-03-18: nothing violent.",
    )
    enrolment_end_unsuccessfully(
        actor=drugs.prosecutor,
        enrolment_id=ddpp.pk,
        expected_version=ddpp.version,
        status=EnrolmentStatus.FAILED,
        ended_on=dt.date(2019, 5, 2),
        reason="Missed treatment sessions.",
    )
    sealed = charged_case(statute_key=RETAIL_THEFT, counts=1)
    enrol(sealed)
    seal(sealed.case, actor=make_user(role=Role.STATES_ATTORNEY))

    result = export_office(csv_dir=tmp_path / "csv")

    assert result.rows["diversion"] == 2
    connection = store.connect()
    rows = connection.execute(
        "SELECT diversion_program, referral_date, diversion_count, statute, "
        "primary_charge_offense_title IS NOT NULL, diversion_result, diversion_closed_date, "
        "received_date FROM diversion WHERE release = 'office' ORDER BY diversion_program"
    ).fetchall()
    assert rows == [
        (
            "DDPP",
            dt.date(2019, 3, 20),
            1,
            "720 ILCS 570/402(c)",
            True,
            "Failed",
            timezone.localdate(),
            dt.date(2019, 1, 29),
        ),
        (
            "alternative_disposition",
            dt.date(2019, 3, 20),
            1,
            "720 ILCS 5/16-25(a)(1)",
            True,
            None,
            None,
            dt.date(2019, 1, 29),
        ),
    ]
    # Diversion rows join to the release's intake rows like the county's do.
    joined = connection.execute(
        "SELECT count(*) FROM diversion d JOIN intake i ON i.release = d.release "
        "AND i.case_participant_id = d.case_participant_id AND i.case_id = d.case_id "
        "WHERE d.release = 'office'"
    ).fetchone()
    assert joined == (2,)
    reimported = importer.import_files([tmp_path / "csv" / "diversion.csv"], release="office-csv")
    assert (reimported.rejects, reimported.manifest.datasets) == ([], {"diversion": 2})
