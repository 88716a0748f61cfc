"""GET /api/cases/{id} and its audit trail; refusals look exactly like missing cases."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evenhand.accounts.models import Role, User
from evenhand.audit.models import AuditAction, AuditEntry, AuditOutcome
from evenhand.cases.models import Case, CaseStatus, ParticipantRole
from evenhand.cases.services import charge_amend, participant_role_change

from .factories import add_person, file_counts, make_case, make_user, put_on_team, token_client

pytestmark = pytest.mark.django_db

MISSING_ID = 987_654_321


def _rich_case(asa: User) -> Case:
    case = make_case(asa, title="People v. Marchetti")
    suspect = add_person(
        asa,
        case,
        first_name="Quentin",
        last_name="Marchetti",
        role=ParticipantRole.SUSPECT,
        aliases=["Q", "The Quill"],
    )
    add_person(asa, case, first_name="Vera", last_name="Stone", role=ParticipantRole.VICTIM)
    participant_role_change(
        actor=asa,
        case_id=case.pk,
        participant_id=suspect.pk,
        role=ParticipantRole.DEFENDANT,
        reason="arrested on warrant",
    )
    first, _second = file_counts(asa, suspect, statute_key="720-5/12-3", counts=2)
    charge_amend(
        actor=asa,
        case_id=case.pk,
        charge_id=first.pk,
        statute_key="720-5/12-3.05",
        reason="injury was serious",
    )
    return case


def test_detail_has_participants_history_charges_events_and_team() -> None:
    asa = make_user(username="amy")
    case = _rich_case(asa)
    put_on_team(asa, case, asa)

    response = token_client(asa).get(f"/api/cases/{case.pk}")

    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["number"], body["status"]) == (case.pk, case.number, "charged")
    defendant, victim = body["participants"]
    assert defendant["person"]["full_name"] == "Quentin Marchetti"
    assert defendant["person"]["aliases"] == ["Q", "The Quill"]
    assert defendant["role"] == ParticipantRole.DEFENDANT
    history = defendant["role_history"]
    assert [(h["from_role"], h["to_role"]) for h in history] == [
        (None, "suspect"),
        ("suspect", "defendant"),
    ]
    assert history[1]["reason"] == "arrested on warrant"
    assert history[1]["changed_by"]["username"] == "amy"
    assert victim["role"] == ParticipantRole.VICTIM
    charges = [
        (c["count_number"], c["version"], c["statute_key"], c["is_current"], c["offense_class"])
        for c in body["charges"]
    ]
    assert charges == [
        (1, 1, "720-5/12-3", False, "A"),
        (1, 2, "720-5/12-3.05", True, "3"),
        (2, 1, "720-5/12-3", True, "A"),
    ]
    amended = body["charges"][1]
    assert amended["previous_id"] == body["charges"][0]["id"]
    assert amended["citation"] == "720 ILCS 5/12-3.05"
    assert amended["class_label"] == "Class 3 felony"
    assert [event["kind"] for event in body["events"]].count("charge_amended") == 1
    assert {event["kind"] for event in body["events"]} >= {
        "participant_added",
        "role_changed",
        "charge_filed",
    }
    assert [member["user"]["username"] for member in body["team"]] == ["amy"]


def test_detail_read_is_audited() -> None:
    asa = make_user()
    case = make_case(asa)

    token_client(asa).get(f"/api/cases/{case.pk}")

    entry = AuditEntry.objects.filter(action=AuditAction.CASE_VIEWED).get()
    assert (entry.actor, entry.case_id) == (asa, case.pk)


def test_detail_query_count_does_not_grow_with_the_case() -> None:
    asa = make_user()
    case = make_case(asa)
    client = token_client(asa)
    add_person(asa, case)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/api/cases/{case.pk}").status_code == 200
        return len(captured)

    small = queries()
    for n in range(4):
        file_counts(asa, add_person(asa, case, last_name=f"Other{n}", aliases=[f"a{n}"]))
    large = queries()

    assert large == small


def _refusal(user: User, case_id: int, path: str = "") -> tuple[int, bytes, str]:
    response = token_client(user).get(f"/api/cases/{case_id}{path}")
    return response.status_code, response.content, response["Content-Type"]


@pytest.mark.parametrize("path", ["", "/audit"])
@pytest.mark.parametrize(
    "role", [Role.ADMINISTRATOR, Role.SPECIAL_PROSECUTOR], ids=["admin", "special"]
)
def test_refused_case_is_indistinguishable_from_a_missing_one(role: Role, path: str) -> None:
    asa = make_user()
    case = make_case(asa)
    outsider = make_user(role)

    refused = _refusal(outsider, case.pk, path)
    missing = _refusal(outsider, MISSING_ID, path)

    assert refused == missing
    assert refused[0] == 404
    assert refused[1] == b'{"detail": "Case not found."}'
    logged = AuditEntry.objects.get(action=AuditAction.CASE_ACCESS_REFUSED, case_id=case.pk)
    assert logged.actor == outsider
    assert logged.outcome == AuditOutcome.REFUSED
    assert logged.after == {"action": "view", "reason": "not_permitted"}
    assert AuditEntry.objects.filter(
        action=AuditAction.CASE_ACCESS_REFUSED, subject_id=str(MISSING_ID)
    ).exists()


def test_special_prosecutor_sees_the_case_once_appointed_and_not_once_screened() -> None:
    asa = make_user()
    special = make_user(Role.SPECIAL_PROSECUTOR)
    case = make_case(asa)
    client = token_client(special)
    put_on_team(asa, case, special)

    assert client.get(f"/api/cases/{case.pk}").status_code == 200

    # The office cannot take the case from the court's appointee, but a screen still applies.
    from evenhand.screening.models import ScreenKind  # noqa: PLC0415
    from evenhand.screening.services import screen_raise  # noqa: PLC0415

    screen_raise(
        actor=make_user(Role.ETHICS_OFFICER),
        kind=ScreenKind.EXCLUSIONARY,
        users=[special],
        case_ids=[case.pk],
        reason="The appointee disclosed a conflict to the court.",
        memo="",
    )

    assert client.get(f"/api/cases/{case.pk}").status_code == 404


def test_audit_trail_is_paginated_newest_first() -> None:
    asa = make_user(username="amy")
    case = make_case(asa)
    add_person(asa, case)
    client = token_client(asa)

    first_page = client.get(f"/api/cases/{case.pk}/audit", {"page_size": 2}).json()
    second_page = client.get(f"/api/cases/{case.pk}/audit", {"page_size": 2, "page": 2}).json()

    # case.opened and participant.added, then each read of the trail logs a case.viewed.
    assert first_page["total"] == 3
    assert first_page["case_id"] == case.pk
    assert [e["action"] for e in first_page["items"]] == ["case.viewed", "participant.added"]
    assert second_page["total"] == 4
    assert [e["action"] for e in second_page["items"]] == ["participant.added", "case.opened"]
    opened = second_page["items"][1]
    assert opened["actor"] == "amy"
    assert opened["after"]["status"] == CaseStatus.INTAKE
    seqs = [e["seq"] for e in first_page["items"] + second_page["items"]]
    assert seqs == sorted(seqs, reverse=True)


def test_audit_trail_shows_only_this_case() -> None:
    asa = make_user()
    case = make_case(asa)
    make_case(asa)

    body = token_client(asa).get(f"/api/cases/{case.pk}/audit").json()

    assert {entry["action"] for entry in body["items"]} == {"case.opened", "case.viewed"}
