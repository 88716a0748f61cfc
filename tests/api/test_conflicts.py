"""Potential-conflict flags through the API: listing, deciding, and running the check by hand."""

from __future__ import annotations

import pytest

from evenhand.accounts.models import Role
from evenhand.audit.models import AuditAction, AuditEntry, AuditOutcome
from evenhand.cases.models import SpecialProsecution
from evenhand.screening.models import ConflictFlag, ConflictStatus

from .factories import (
    ValeOffice,
    log_contact,
    make_case,
    make_user,
    post_json,
    token_client,
    vale_office,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def office() -> ValeOffice:
    office = vale_office()
    log_contact(office, office.whitlock)
    return office


def _flag(office: ValeOffice) -> ConflictFlag:
    return ConflictFlag.objects.get(staff=office.whitlock, case=office.case)


def test_staff_see_their_own_flags_and_oversight_sees_all(office: ValeOffice) -> None:
    flag = _flag(office)

    own = token_client(office.whitlock).get("/api/conflicts").json()
    colleague = token_client(office.raman).get("/api/conflicts").json()
    ethics = token_client(office.ethics).get("/api/conflicts", {"open_only": True}).json()

    assert [item["id"] for item in own["items"]] == [flag.pk]
    item = own["items"][0]
    assert item["case"] == {"id": office.case.pk, "number": office.case.number}
    assert "Tina Vale" in item["basis"]
    assert (item["status"], item["source"]) == ("open", "contact")
    assert colleague["total"] == 0
    assert [item["id"] for item in ethics["items"]] == [flag.pk]


def test_recusal_with_an_acting_delegate_screens_refuses_and_petitions(office: ValeOffice) -> None:
    flag = _flag(office)
    client = token_client(office.whitlock)

    response = post_json(
        client,
        f"/api/conflicts/{flag.pk}/resolve",
        {
            "recuse": True,
            "note": "Tina Vale is a family friend.",
            "acting_delegate_username": office.keogh.username,
        },
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["flag"]["status"] == ConflictStatus.RECUSED
    assert body["flag"]["screen_id"] is not None
    # Recused: the case is now hidden from her, so the flag no longer names it.
    assert (body["flag"]["case"], body["flag"]["basis"]) == (None, None)
    assert "Only a court may appoint a special prosecutor" in body["delegation_refused"]
    assert client.get(f"/api/cases/{office.case.pk}").status_code == 404
    detail = token_client(office.raman).get(f"/api/cases/{office.case.pk}").json()
    assert detail["special_prosecution"] == SpecialProsecution.AWAITING_APPOINTMENT
    refusal = AuditEntry.objects.get(action=AuditAction.ACTING_DELEGATION_REFUSED)
    assert (refusal.actor, refusal.outcome) == (office.whitlock, AuditOutcome.REFUSED)
    assert refusal.after is not None
    assert refusal.after["delegate"] == office.keogh.username
    assert AuditEntry.objects.filter(action=AuditAction.PETITION_DRAFTED).count() == 1


def test_clearing_a_flag_records_the_reason_and_raises_no_screen(office: ValeOffice) -> None:
    flag = _flag(office)

    response = post_json(
        token_client(office.whitlock),
        f"/api/conflicts/{flag.pk}/resolve",
        {"recuse": False, "note": "One call, referred to the ASA; no relationship."},
    )

    assert response.status_code == 200
    body = response.json()
    assert body["flag"]["status"] == ConflictStatus.CLEARED
    assert body["flag"]["screen_id"] is None
    assert body["flag"]["resolved_by"]["username"] == office.whitlock.username
    assert body["delegation_refused"] == ""
    entry = AuditEntry.objects.get(action=AuditAction.CONFLICT_RESOLVED)
    assert entry.after == {
        "status": "cleared",
        "note": "One call, referred to the ASA; no relationship.",
    }
    again = post_json(
        token_client(office.whitlock),
        f"/api/conflicts/{flag.pk}/resolve",
        {"recuse": True, "note": "Changed my mind."},
    )
    assert again.status_code == 422
    assert again.json()["detail"][0]["loc"] == ["flag"]


def test_someone_elses_flag_is_not_theirs_to_decide(office: ValeOffice) -> None:
    flag = _flag(office)
    body = {"recuse": False, "note": "Not me."}

    colleague = post_json(token_client(office.raman), f"/api/conflicts/{flag.pk}/resolve", body)
    inspector = post_json(token_client(office.brandt), f"/api/conflicts/{flag.pk}/resolve", body)
    missing = post_json(token_client(office.raman), "/api/conflicts/987654/resolve", body)

    assert colleague.status_code == missing.status_code == 404
    assert colleague.json() == missing.json() == {"detail": "Conflict flag not found."}
    # Oversight sees the flag but only its staff member decides it.
    assert inspector.status_code == 422
    assert _flag(office).status == ConflictStatus.OPEN


def test_unknown_acting_delegate_is_422_and_changes_nothing(office: ValeOffice) -> None:
    flag = _flag(office)

    response = post_json(
        token_client(office.whitlock),
        f"/api/conflicts/{flag.pk}/resolve",
        {"recuse": True, "note": "Recusing.", "acting_delegate_username": "nobody"},
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["acting_delegate_username"]
    assert _flag(office).status == ConflictStatus.OPEN


def test_conflict_check_by_hand_flags_staff_added_since(office: ValeOffice) -> None:
    namesake = make_user(username="tvale", first_name="Tina", last_name="Vale")
    path = f"/api/cases/{office.case.pk}/conflict-check"

    by_colleague = token_client(office.raman).post(path)
    by_ethics = token_client(office.ethics).post(path)

    assert by_colleague.status_code == 200
    assert by_colleague.json()["new_flags"] == 1
    assert by_colleague.json()["flags"] == []  # someone else's flag is not shown to them
    assert by_ethics.json()["new_flags"] == 0  # already flagged by the first run
    assert ConflictFlag.objects.filter(staff=namesake, case=office.case).exists()
    own = token_client(namesake).get("/api/conflicts").json()["items"]
    assert [item["source"] for item in own] == ["manual"]
    assert AuditEntry.objects.filter(action=AuditAction.CONFLICT_CHECK_RUN).count() == 2


def test_conflict_check_on_a_hidden_case_is_a_404() -> None:
    asa = make_user()
    case = make_case(asa)

    response = token_client(make_user(Role.SPECIAL_PROSECUTOR)).post(
        f"/api/cases/{case.pk}/conflict-check"
    )

    assert response.status_code == 404
    assert response.json() == {"detail": "Case not found."}
