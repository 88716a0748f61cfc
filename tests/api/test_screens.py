"""Screens through the API: who raises, sees, lifts and acknowledges them, and what they hide."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from evenhand.accounts.models import Role, User
from evenhand.audit.models import AuditAction, AuditEntry
from evenhand.cases.models import Case
from evenhand.screening.models import Screen, ScreenKind
from evenhand.screening.services import screen_raise

from .factories import make_case, make_user, post_json, screen_off, token_client

pytestmark = pytest.mark.django_db

MISSING_ID = 987_654_321


def _screen_body(case_ids: list[int], usernames: list[str], **changes: Any) -> dict[str, Any]:
    return {
        "kind": "exclusionary",
        "usernames": usernames,
        "case_ids": case_ids,
        "reason": "Represented the defendant in private practice.",
        "memo": "Do not read or discuss these cases.",
        "screened_terms": ["Doe"],
        **changes,
    }


def _raise(actor: User, case_ids: list[int], usernames: list[str], **changes: Any) -> Any:
    return post_json(
        token_client(actor), "/api/screens", _screen_body(case_ids, usernames, **changes)
    )


def test_raised_screen_hides_the_case_on_the_next_request_like_a_missing_one() -> None:
    asa = make_user()
    case = make_case(asa)
    screened = make_user(username="sam")
    ethics = make_user(Role.ETHICS_OFFICER)
    client = token_client(screened)
    assert client.get(f"/api/cases/{case.pk}").status_code == 200

    response = _raise(ethics, [case.pk], ["sam"])

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["in_force"], body["screened_terms"]) == (
        "exclusionary",
        True,
        ["Doe"],
    )
    assert [person["user"]["username"] for person in body["people"]] == ["sam"]
    assert body["cases"] == [{"id": case.pk, "number": case.number}]
    refused = client.get(f"/api/cases/{case.pk}")
    missing = client.get(f"/api/cases/{MISSING_ID}")
    assert refused.status_code == missing.status_code == 404
    assert refused.content == missing.content == b'{"detail": "Case not found."}'
    entry = AuditEntry.objects.get(action=AuditAction.SCREEN_RAISED)
    assert (entry.actor, entry.case_id, entry.subject_id) == (ethics, case.pk, str(body["id"]))


def test_need_to_know_screen_keeps_out_everyone_not_named_but_oversight_reads() -> None:
    insider = make_user(username="inside")
    outsider = make_user()
    inspector = make_user(Role.INSPECTOR_GENERAL)
    case = make_case(insider)

    response = _raise(make_user(Role.FIRST_ASSISTANT), [case.pk], ["inside"], kind="need_to_know")

    assert response.status_code == 201
    assert token_client(insider).get(f"/api/cases/{case.pk}").status_code == 200
    assert token_client(outsider).get(f"/api/cases/{case.pk}").status_code == 404
    assert token_client(inspector).get(f"/api/cases/{case.pk}").status_code == 200


def test_unknown_usernames_are_named_in_a_422() -> None:
    case = make_case(make_user())
    make_user(username="sam")

    response = _raise(make_user(Role.ETHICS_OFFICER), [case.pk], ["ghost", "sam", "phantom"])

    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"loc": ["usernames"], "msg": "Unknown username(s): ghost, phantom.", "type": "invalid"}
    ]
    assert not Screen.objects.exists()


def test_hidden_and_missing_case_ids_get_the_same_422() -> None:
    asa = make_user()
    hidden = make_case(asa)
    visible = make_case(asa)
    ethics = make_user(Role.ETHICS_OFFICER)
    make_user(username="sam")
    screen_off(make_user(Role.FIRST_ASSISTANT), [ethics], hidden)

    for_hidden = _raise(ethics, [visible.pk, hidden.pk], ["sam"])
    for_missing = _raise(ethics, [visible.pk, MISSING_ID], ["sam"])

    assert for_hidden.status_code == for_missing.status_code == 422
    assert for_hidden.content == for_missing.content
    assert for_hidden.json()["detail"][0] == {
        "loc": ["case_ids"],
        "msg": "Unknown case.",
        "type": "invalid",
    }
    assert Screen.objects.count() == 1  # only the one that hides the case from ethics
    assert AuditEntry.objects.filter(
        action=AuditAction.CASE_ACCESS_REFUSED, actor=ethics, case_id=hidden.pk
    ).exists()


def test_only_the_ethics_officer_and_leadership_screen_others() -> None:
    asa = make_user()
    case = make_case(asa)
    make_user(username="sam")

    response = _raise(asa, [case.pk], ["sam"])

    assert response.status_code == 403
    assert response.json() == {
        "detail": "Only the ethics officer or the office's leadership may raise screens."
    }


def test_anyone_may_screen_themselves_and_then_sees_no_case_content() -> None:
    asa = make_user(username="amy")
    case = make_case(asa)
    client = token_client(asa)

    response = post_json(client, "/api/screens", _screen_body([case.pk], ["amy"]))

    assert response.status_code == 201
    # The answer is built after the screen is up: amy may no longer see the case.
    assert response.json()["cases"] == []
    assert response.json()["screened_terms"] is None
    assert response.json()["memo"] == "Do not read or discuss these cases."
    assert client.get(f"/api/cases/{case.pk}").status_code == 404


def _two_screens() -> tuple[User, User, User, Case, Screen, Screen]:
    asa = make_user()
    case = make_case(asa)
    sam = make_user(username="sam")
    other = make_user(username="olga")
    ethics = make_user(Role.ETHICS_OFFICER)
    first = screen_off(ethics, [sam], case)
    second = screen_off(ethics, [other], make_case(asa))
    return ethics, sam, asa, case, first, second


def test_screen_managers_and_oversight_list_every_screen_others_their_own() -> None:
    ethics, sam, asa, _case, first, second = _two_screens()

    def listed(user: User) -> list[int]:
        response = token_client(user).get("/api/screens")
        assert response.status_code == 200
        return sorted(item["id"] for item in response.json()["items"])

    assert listed(ethics) == sorted([first.pk, second.pk])
    assert listed(make_user(Role.AUDITOR)) == sorted([first.pk, second.pk])
    assert listed(make_user(Role.STATES_ATTORNEY)) == sorted([first.pk, second.pk])
    assert listed(sam) == [first.pk]
    assert listed(asa) == []


def test_screen_detail_is_404_for_someone_it_does_not_name() -> None:
    _ethics, sam, asa, _case, first, second = _two_screens()

    assert token_client(sam).get(f"/api/screens/{first.pk}").status_code == 200
    response = token_client(sam).get(f"/api/screens/{second.pk}")
    assert response.status_code == 404
    assert response.json() == {"detail": "Screen not found."}
    assert token_client(asa).get(f"/api/screens/{first.pk}").status_code == 404


def test_screen_detail_names_only_cases_the_reader_may_see() -> None:
    asa = make_user()
    seen, unseen = make_case(asa), make_case(asa)
    first_assistant = make_user(Role.FIRST_ASSISTANT)
    ethics = make_user(Role.ETHICS_OFFICER)
    screen_off(ethics, [first_assistant], unseen)
    both = screen_raise_on(ethics, [make_user()], [seen, unseen])

    as_first_assistant = token_client(first_assistant).get(f"/api/screens/{both.pk}").json()
    as_ethics = token_client(ethics).get(f"/api/screens/{both.pk}").json()

    assert as_first_assistant["cases"] == [{"id": seen.pk, "number": seen.number}]
    assert as_first_assistant["screened_terms"] is None
    # Free text may name the hidden case too; it is for those the screen names.
    assert (as_first_assistant["reason"], as_first_assistant["memo"]) == (None, None)
    assert as_ethics["reason"] == "Conflict."
    assert [case["id"] for case in as_ethics["cases"]] == sorted([seen.pk, unseen.pk])
    assert as_ethics["screened_terms"] == ["Vale"]


def screen_raise_on(actor: User, users: list[User], cases: list[Case]) -> Screen:
    return screen_raise(
        actor=actor,
        kind=ScreenKind.EXCLUSIONARY,
        users=users,
        case_ids=[case.pk for case in cases],
        reason="Conflict.",
        memo="",
        screened_terms=["Vale"],
    )


def test_lift_restores_access_and_is_audited() -> None:
    ethics, sam, _asa, case, first, _second = _two_screens()
    client = token_client(ethics)

    response = post_json(client, f"/api/screens/{first.pk}/lift", {"reason": "Matter closed."})

    assert response.status_code == 200
    body = response.json()
    assert body["in_force"] is False
    assert body["lift_reason"] == "Matter closed."
    assert body["lifted_by"]["id"] == ethics.pk
    assert token_client(sam).get(f"/api/cases/{case.pk}").status_code == 200
    assert AuditEntry.objects.filter(action=AuditAction.SCREEN_LIFTED, actor=ethics).count() == 1
    again = post_json(client, f"/api/screens/{first.pk}/lift", {"reason": "Again."})
    assert again.status_code == 422
    current = client.get("/api/screens", {"current": "true"}).json()
    assert first.pk not in [item["id"] for item in current["items"]]


def test_screened_manager_cannot_lift_their_own_screen_and_others_see_nothing() -> None:
    asa = make_user()
    case = make_case(asa)
    first_assistant = make_user(Role.FIRST_ASSISTANT)
    screen = screen_off(make_user(Role.ETHICS_OFFICER), [first_assistant], case)
    body = {"reason": "I am fine."}

    own = post_json(token_client(first_assistant), f"/api/screens/{screen.pk}/lift", body)
    outsider = post_json(token_client(asa), f"/api/screens/{screen.pk}/lift", body)

    assert own.status_code == 403
    assert own.json() == {"detail": "A screened person cannot lift their own screen."}
    assert outsider.status_code == 404
    assert Screen.objects.get().lifted_at is None


def test_acknowledge_records_when_the_memo_was_read() -> None:
    _ethics, sam, asa, _case, first, _second = _two_screens()

    response = token_client(sam).post(f"/api/screens/{first.pk}/acknowledge")

    assert response.status_code == 200
    (person,) = response.json()["people"]
    assert person["user"]["username"] == "sam"
    assert person["acknowledged_at"] is not None
    entry = AuditEntry.objects.get(action=AuditAction.SCREEN_ACKNOWLEDGED)
    assert (entry.actor, entry.subject_id) == (sam, str(first.pk))
    assert token_client(asa).post(f"/api/screens/{first.pk}/acknowledge").status_code == 404


@pytest.mark.parametrize(
    ("changes", "loc"),
    [
        ({"usernames": []}, ["body", "usernames"]),
        ({"case_ids": [0]}, ["body", "case_ids", 0]),
        ({"kind": "partial"}, ["body", "kind"]),
        ({"reason": ""}, ["body", "reason"]),
        ({"starts_at": "2030-01-01T09:00:00"}, ["body", "starts_at"]),
        ({"screened_terms": ["x" * 101]}, ["body", "screened_terms", 0]),
        ({"starts_at": "2020-01-01T09:00:00Z"}, ["starts_at"]),
        (
            {"starts_at": "2090-01-02T09:00:00Z", "ends_at": "2090-01-01T09:00:00Z"},
            ["ends_at"],
        ),
    ],
)
def test_bad_screen_input_is_422(changes: dict[str, Any], loc: list[object]) -> None:
    case = make_case(make_user())
    make_user(username="sam")

    body = {**_screen_body([case.pk], ["sam"]), **changes}

    response = post_json(token_client(make_user(Role.ETHICS_OFFICER)), "/api/screens", body)

    assert response.status_code == 422, response.content
    assert response.json()["detail"][0]["loc"] == loc
    assert not Screen.objects.exists()


def test_future_screen_is_listed_but_not_yet_in_force() -> None:
    asa = make_user(username="amy")
    case = make_case(asa)
    starts = timezone.now() + dt.timedelta(days=2)

    response = _raise(
        make_user(Role.ETHICS_OFFICER), [case.pk], ["amy"], starts_at=starts.isoformat()
    )

    assert response.status_code == 201
    assert response.json()["in_force"] is False
    assert token_client(asa).get(f"/api/cases/{case.pk}").status_code == 200
    assert token_client(asa).get("/api/screens", {"current": True}).json()["total"] == 1
