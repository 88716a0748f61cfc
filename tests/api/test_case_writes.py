"""The write endpoints: each goes through its service and leaves its audit entry."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from evenhand.accounts.models import Role, User
from evenhand.audit.models import AuditAction, AuditEntry
from evenhand.cases.models import Case, CaseEventKind, ParticipantRole, Person

from .factories import add_person, file_counts, make_case, make_user, put_on_team, token_client

pytestmark = pytest.mark.django_db


def _post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, body, content_type="application/json")


def _audited(action: AuditAction, actor: User, case_id: int | None = None) -> AuditEntry:
    entries = AuditEntry.objects.filter(action=action, actor=actor)
    if case_id is not None:
        entries = entries.filter(case_id=case_id)
    return entries.get()


def test_open_case() -> None:
    asa = make_user()

    response = _post(
        token_client(asa),
        "/api/cases",
        {"title": " People v. Roe ", "received_on": "2024-03-01", "summary": "Referral."},
    )

    assert response.status_code == 201
    body = response.json()
    assert body["number"] == "2024-CR-000001"
    assert body["title"] == "People v. Roe"
    assert body["status"] == "intake"
    entry = _audited(AuditAction.CASE_OPENED, asa, body["id"])
    assert entry.after is not None
    assert entry.after["title"] == "People v. Roe"


def test_duplicate_case_number_is_a_422() -> None:
    asa = make_user()
    make_case(asa, number="2024-CR-000777")

    response = _post(
        token_client(asa),
        "/api/cases",
        {"title": "Again", "received_on": "2024-03-01", "number": "2024-CR-000777"},
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["number"]


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.AUDITOR, Role.SPECIAL_PROSECUTOR])
def test_roles_that_may_not_open_cases_get_403(role: Role) -> None:
    response = _post(
        token_client(make_user(role)), "/api/cases", {"title": "X", "received_on": "2024-03-01"}
    )

    assert response.status_code == 403
    assert response.json() == {"detail": "Your role may not open cases."}


def test_add_participant_with_new_person_and_aliases() -> None:
    asa = make_user()
    case = make_case(asa)

    response = _post(
        token_client(asa),
        f"/api/cases/{case.pk}/participants",
        {
            "first_name": "Vera",
            "last_name": "Stone",
            "aliases": ["V", "Vee", "V"],
            "date_of_birth": "1990-02-03",
            "role": "victim",
            "occurred_at": "2024-03-01T10:00:00-06:00",
        },
    )

    assert response.status_code == 201
    body = response.json()
    assert body["person"]["full_name"] == "Vera Stone"
    assert body["person"]["aliases"] == ["V", "Vee"]
    assert body["role"] == "victim"
    assert [(h["from_role"], h["to_role"]) for h in body["role_history"]] == [(None, "victim")]
    entry = _audited(AuditAction.PARTICIPANT_ADDED, asa, case.pk)
    assert entry.subject_id == str(body["id"])
    assert _audited(AuditAction.PERSON_CREATED, asa).subject_id == str(body["person"]["id"])
    assert AuditEntry.objects.filter(action=AuditAction.PERSON_ALIAS_ADDED).count() == 2


def test_refused_participant_add_records_no_person() -> None:
    asa = make_user()
    case = make_case(asa)
    special = make_user(Role.SPECIAL_PROSECUTOR)

    response = _post(
        token_client(special),
        f"/api/cases/{case.pk}/participants",
        {"first_name": "Vera", "last_name": "Stone", "role": "victim"},
    )

    assert response.status_code == 404
    assert not Person.objects.filter(last_name="Stone").exists()
    assert _audited(AuditAction.CASE_ACCESS_REFUSED, special, case.pk).after == {
        "action": "edit",
        "reason": "not_permitted",
    }


def test_change_participant_role() -> None:
    asa = make_user()
    case = make_case(asa)
    participant = add_person(asa, case, role=ParticipantRole.SUSPECT)

    response = _post(
        token_client(asa),
        f"/api/cases/{case.pk}/participants/{participant.pk}/role",
        {"role": "defendant", "reason": "indicted"},
    )

    assert response.status_code == 200
    body = response.json()
    assert body["role"] == "defendant"
    assert body["role_history"][-1]["reason"] == "indicted"
    entry = _audited(AuditAction.PARTICIPANT_ROLE_CHANGED, asa, case.pk)
    assert (entry.before, entry.after) == (
        {"role": "suspect"},
        {"role": "defendant", "reason": "indicted"},
    )


def test_role_change_of_a_participant_of_another_case_is_refused() -> None:
    asa = make_user()
    case = make_case(asa)
    elsewhere = add_person(asa, make_case(asa), role=ParticipantRole.SUSPECT)

    response = _post(
        token_client(asa),
        f"/api/cases/{case.pk}/participants/{elsewhere.pk}/role",
        {"role": "defendant", "reason": "indicted"},
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["participant"]


def test_record_event() -> None:
    asa = make_user()
    case = make_case(asa)

    response = _post(
        token_client(asa),
        f"/api/cases/{case.pk}/events",
        {"kind": "hearing", "occurred_at": "2024-04-02T09:30:00Z", "summary": "Bond hearing"},
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["kind"], body["summary"]) == ("hearing", "Bond hearing")
    assert body["occurred_at"] == "2024-04-02T09:30:00Z"
    assert _audited(AuditAction.CASE_EVENT_RECORDED, asa, case.pk).subject_id == str(body["id"])


def test_charge_events_cannot_be_recorded_by_hand() -> None:
    asa = make_user()
    case = make_case(asa)

    response = _post(
        token_client(asa),
        f"/api/cases/{case.pk}/events",
        {"kind": CaseEventKind.CHARGE_FILED, "occurred_at": "2024-04-02T09:30:00Z", "summary": "x"},
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["kind"]


def test_file_charges() -> None:
    asa = make_user()
    case = make_case(asa)
    defendant = add_person(asa, case)

    response = _post(
        token_client(asa),
        f"/api/cases/{case.pk}/charges",
        {
            "participant_id": defendant.pk,
            "statute_key": "720-5/18-1(a)",
            "counts": 3,
            "filed_on": "2024-04-03",
        },
    )

    assert response.status_code == 201
    body = response.json()
    assert [charge["count_number"] for charge in body] == [1, 2, 3]
    assert {charge["offense_class"] for charge in body} == {"2"}
    assert all(isinstance(charge["id"], int) for charge in body)
    entry = _audited(AuditAction.CHARGE_FILED, asa, case.pk)
    assert entry.after is not None
    assert entry.after["counts"] == 3


def test_charging_a_non_defendant_is_refused() -> None:
    asa = make_user()
    case = make_case(asa)
    witness = add_person(asa, case, role=ParticipantRole.WITNESS)

    response = _post(
        token_client(asa),
        f"/api/cases/{case.pk}/charges",
        {
            "participant_id": witness.pk,
            "statute_key": "720-5/18-1(a)",
            "counts": 1,
            "filed_on": "2024-04-03",
        },
    )

    assert response.status_code == 422
    assert "not a defendant" in response.json()["detail"][0]["msg"]


def test_amend_charge() -> None:
    asa = make_user()
    case = make_case(asa)
    [charge] = file_counts(asa, add_person(asa, case), statute_key="720-5/12-3")

    response = _post(
        token_client(asa),
        f"/api/cases/{case.pk}/charges/{charge.pk}/amend",
        {"statute_key": "720-5/12-3.05", "reason": "injury was serious"},
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["version"], body["previous_id"], body["is_current"]) == (2, charge.pk, True)
    entry = _audited(AuditAction.CHARGE_AMENDED, asa, case.pk)
    assert entry.after is not None
    assert entry.after["reason"] == "injury was serious"


def test_amending_a_superseded_version_is_refused() -> None:
    asa = make_user()
    case = make_case(asa)
    [charge] = file_counts(asa, add_person(asa, case), statute_key="720-5/12-3")
    client = token_client(asa)
    path = f"/api/cases/{case.pk}/charges/{charge.pk}/amend"
    assert _post(client, path, {"statute_key": "720-5/12-3.05", "reason": "r"}).status_code == 201

    again = _post(client, path, {"statute_key": "720-5/12-3.05", "reason": "r"})

    # The caller amended a version that is no longer current: a lost-update conflict.
    assert again.status_code == 409
    assert "changed by someone else" in again.json()["detail"]


def test_special_prosecutor_on_the_team_may_charge() -> None:
    asa = make_user()
    special = make_user(Role.SPECIAL_PROSECUTOR)
    case = make_case(asa)
    defendant = add_person(asa, case)
    put_on_team(asa, case, special)

    response = _post(
        token_client(special),
        f"/api/cases/{case.pk}/charges",
        {
            "participant_id": defendant.pk,
            "statute_key": "720-5/12-3",
            "counts": 1,
            "filed_on": "2024-04-03",
        },
    )

    assert response.status_code == 201
    assert _audited(AuditAction.CHARGE_FILED, special, case.pk)


def _write_requests(
    case: Case, participant_id: int, charge_id: int
) -> list[tuple[str, dict[str, Any]]]:
    return [
        (
            f"/api/cases/{case.pk}/participants",
            {"first_name": "A", "last_name": "B", "role": "witness"},
        ),
        (
            f"/api/cases/{case.pk}/participants/{participant_id}/role",
            {"role": "witness", "reason": "r"},
        ),
        (
            f"/api/cases/{case.pk}/events",
            {"kind": "note", "occurred_at": "2024-04-02T09:30:00Z", "summary": "s"},
        ),
        (
            f"/api/cases/{case.pk}/charges",
            {
                "participant_id": participant_id,
                "statute_key": "720-5/12-3",
                "counts": 1,
                "filed_on": "2024-04-03",
            },
        ),
        (
            f"/api/cases/{case.pk}/charges/{charge_id}/amend",
            {"statute_key": "720-5/12-3.05", "reason": "r"},
        ),
    ]


# Roles that cannot read the case get the missing-case 404; roles that can read it but not
# perform the write are told so with a 403, which reveals nothing they could not already see.
@pytest.mark.parametrize(
    ("role", "status", "body"),
    [
        (Role.ADMINISTRATOR, 404, b'{"detail": "Case not found."}'),
        (Role.SPECIAL_PROSECUTOR, 404, b'{"detail": "Case not found."}'),
        (Role.AUDITOR, 403, None),
        (Role.INVESTIGATOR, 403, None),
    ],
)
def test_writes_refused_by_policy_are_refused_and_logged(
    role: Role, status: int, body: bytes | None
) -> None:
    asa = make_user()
    case = make_case(asa)
    defendant = add_person(asa, case)
    [charge] = file_counts(asa, defendant)
    outsider = make_user(role)
    client = token_client(outsider)
    requests = _write_requests(case, defendant.pk, charge.pk)
    # Investigators may edit cases but not charge: only the charging endpoints refuse them.
    if role == Role.INVESTIGATOR:
        requests = requests[3:]
    before = AuditEntry.objects.exclude(action=AuditAction.CASE_ACCESS_REFUSED).count()

    responses = [_post(client, path, body) for path, body in requests]

    assert [r.status_code for r in responses] == [status] * len(requests)
    if body is not None:
        assert {r.content for r in responses} == {body}
    else:
        assert all(b"may read this case but not" in r.content for r in responses)
    refusals = AuditEntry.objects.filter(
        action=AuditAction.CASE_ACCESS_REFUSED, actor=outsider, case_id=case.pk
    )
    assert refusals.count() == len(requests)
    # Nothing else was written: only the refusals joined the log.
    after = AuditEntry.objects.exclude(action=AuditAction.CASE_ACCESS_REFUSED).count()
    assert after == before
