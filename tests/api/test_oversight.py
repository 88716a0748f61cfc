"""Oversight reports: for the inspector general, auditors and ethics officer only, read-only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from evenhand.accounts.models import Role, User
from evenhand.audit.models import AuditAction, AuditEntry

from .factories import ValeOffice, make_case, make_user, screen_off, token_client, vale_office

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "/api/oversight/audit",
    "/api/oversight/access-report?case_id=1",
    "/api/oversight/refusals",
    "/api/oversight/refusals/summary",
]


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize(
    "role",
    [Role.ASSISTANT_STATES_ATTORNEY, Role.STATES_ATTORNEY, Role.ADMINISTRATOR],
    ids=["asa", "head", "admin"],
)
def test_oversight_is_forbidden_to_everyone_else(role: Role, path: str) -> None:
    make_case(make_user())

    response = token_client(make_user(role)).get(path)

    assert response.status_code == 403
    assert response.json() == {
        "detail": "Only the inspector general, the auditors and the ethics officer may use "
        "this endpoint."
    }


@pytest.mark.parametrize("role", [Role.INSPECTOR_GENERAL, Role.AUDITOR, Role.ETHICS_OFFICER])
def test_oversight_roles_may_read(role: Role) -> None:
    case = make_case(make_user())
    client = token_client(make_user(role))

    for path in ENDPOINTS:
        response = client.get(path.replace("case_id=1", f"case_id={case.pk}"))
        assert response.status_code == 200, (path, response.content)


def _refused_by(user: User, case_id: int) -> None:
    assert token_client(user).get(f"/api/cases/{case_id}").status_code == 404


@pytest.fixture
def office() -> ValeOffice:
    return vale_office()


def test_audit_log_filters_newest_first(office: ValeOffice) -> None:
    client = token_client(office.brandt)
    token_client(office.raman).get(f"/api/cases/{office.case.pk}")
    logged = AuditEntry.objects.count()

    everything = client.get("/api/oversight/audit", {"page_size": 5}).json()
    by_actor = client.get("/api/oversight/audit", {"actor": "praman", "action": "case.viewed"})
    on_case = client.get("/api/oversight/audit", {"case_id": office.case.pk}).json()

    seqs = [entry["seq"] for entry in everything["items"]]
    assert seqs == sorted(seqs, reverse=True)
    assert everything["total"] == logged
    (viewed,) = by_actor.json()["items"]
    assert (viewed["actor"], viewed["case_id"]) == ("praman", office.case.pk)
    assert {entry["case_id"] for entry in on_case["items"]} == {office.case.pk}
    # Reading a case's trail is a read of the case, and logged as one.
    assert AuditEntry.objects.filter(
        action=AuditAction.CASE_VIEWED, actor=office.brandt, case_id=office.case.pk
    ).exists()


def test_audit_log_time_window(office: ValeOffice) -> None:
    client = token_client(office.brandt)
    later = (timezone.now() + dt.timedelta(hours=1)).isoformat()
    earlier = (timezone.now() - dt.timedelta(days=1)).isoformat()

    future = client.get("/api/oversight/audit", {"from": later}).json()
    past = client.get("/api/oversight/audit", {"to": earlier}).json()
    window = client.get("/api/oversight/audit", {"from": earlier, "to": later}).json()
    naive = client.get("/api/oversight/audit", {"from": "2024-01-01T00:00:00"})

    assert future["total"] == past["total"] == 0
    # Every read of the log is logged once its page is read: all but the window's own entry.
    assert window["total"] == AuditEntry.objects.count() - 1
    assert naive.status_code == 422
    assert naive.json()["detail"][0]["loc"] == ["query", "from"]


def test_audit_log_of_a_missing_case_is_a_404(office: ValeOffice) -> None:
    response = token_client(office.brandt).get("/api/oversight/audit", {"case_id": 987654})

    assert response.status_code == 404
    assert response.json() == {"detail": "Case not found."}


def test_a_screen_naming_the_reader_also_hides_the_case_from_the_log(office: ValeOffice) -> None:
    screen_off(office.keogh, [office.ethics], office.case)
    client = token_client(office.ethics)

    listing = client.get("/api/oversight/audit", {"page_size": 100}).json()
    on_case = client.get("/api/oversight/audit", {"case_id": office.case.pk})

    assert office.case.pk not in {entry["case_id"] for entry in listing["items"]}
    assert on_case.status_code == 404


def test_access_report(office: ValeOffice) -> None:
    outsider = make_user(Role.SPECIAL_PROSECUTOR, username="outsider")
    _refused_by(outsider, office.case.pk)
    token_client(office.raman).get(f"/api/cases/{office.case.pk}")
    client = token_client(office.brandt)
    start = (timezone.now() - dt.timedelta(hours=1)).isoformat()

    case_id = str(office.case.pk)

    response = client.get("/api/oversight/access-report", {"case_id": case_id, "at": start})
    period = client.get(
        "/api/oversight/access-report",
        {"case_id": case_id, "at": start, "until": timezone.now().isoformat()},
    )

    assert response.status_code == 200, response.content
    assert response.json()["case"]["number"] == office.case.number
    rows = {row["user"]["username"]: row for row in period.json()["rows"]}
    assert rows["praman"]["could_open"] is True
    assert rows["praman"]["reads"] == 1
    assert (rows["outsider"]["could_open"], rows["outsider"]["refusals"]) == (False, 1)
    assert rows["pbrandt"]["role"] == Role.INSPECTOR_GENERAL


def test_access_report_period_must_not_run_backwards(office: ValeOffice) -> None:
    now = timezone.now()

    response = token_client(office.brandt).get(
        "/api/oversight/access-report",
        {
            "case_id": str(office.case.pk),
            "at": now.isoformat(),
            "until": (now - dt.timedelta(days=1)).isoformat(),
        },
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["until"]


def test_access_report_reads_through_a_need_to_know_screen(office: ValeOffice) -> None:
    from evenhand.screening.models import ScreenKind  # noqa: PLC0415
    from evenhand.screening.services import screen_raise  # noqa: PLC0415

    screen_raise(
        actor=office.keogh,
        kind=ScreenKind.NEED_TO_KNOW,
        users=[office.raman],
        case_ids=[office.case.pk],
        reason="Sensitive.",
        memo="",
    )

    response = token_client(office.brandt).get(
        "/api/oversight/access-report", {"case_id": office.case.pk}
    )

    assert response.status_code == 200
    rows = {row["user"]["username"]: row["could_open"] for row in response.json()["rows"]}
    assert rows["praman"] is True
    assert rows.get("mkeogh", False) is False


def test_refusals_filtered_and_summarised(office: ValeOffice) -> None:
    outsider = make_user(Role.SPECIAL_PROSECUTOR, username="outsider")
    _refused_by(outsider, office.case.pk)
    _refused_by(outsider, 987654)
    _refused_by(make_user(Role.ADMINISTRATOR, username="admin"), office.case.pk)
    client = token_client(office.brandt)

    mine = client.get("/api/oversight/refusals", {"username": "outsider"}).json()
    on_case = client.get("/api/oversight/refusals", {"case_id": office.case.pk}).json()
    by_actor = client.get("/api/oversight/refusals/summary", {"by": "actor"}).json()
    by_case = client.get("/api/oversight/refusals/summary", {"by": "case"}).json()
    unknown = client.get("/api/oversight/refusals", {"username": "ghost"})

    assert mine["total"] == 2
    assert {entry["actor"] for entry in on_case["items"]} == {"outsider", "admin"}
    assert by_actor["items"][0] == {"actor": "outsider", "case_id": None, "attempts": 2}
    assert {"actor": None, "case_id": office.case.pk, "attempts": 2} in by_case["items"]
    assert unknown.status_code == 422
    assert unknown.json()["detail"][0]["loc"] == ["username"]
    assert client.get("/api/oversight/refusals/summary", {"by": "day"}).status_code == 422
