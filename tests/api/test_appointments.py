"""The head of office screened: the case waits for the court, the office cannot charge it, an
"acting" head is refused, and the court's appointee reaches that case and nothing else."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from evenhand.accounts.models import Role, User
from evenhand.appointments.models import Petition
from evenhand.audit.models import AuditAction, AuditEntry, AuditOutcome
from evenhand.cases.models import Participant

from .factories import (
    ValeOffice,
    add_person,
    make_case,
    make_user,
    post_json,
    screen_off,
    token_client,
    vale_office,
)

pytestmark = pytest.mark.django_db


def _charge(defendant: Participant) -> dict[str, Any]:
    return {
        "participant_id": defendant.pk,
        "statute_key": "720-5/12-3",
        "counts": 1,
        "filed_on": timezone.localdate().isoformat(),
    }


def _order(**changes: str) -> dict[str, Any]:
    return {
        "judge": "Rosa Castellanos",
        "order_date": timezone.localdate().isoformat(),
        "appointee_username": "hweiss",
        "appointee_first_name": "Harold",
        "appointee_last_name": "Weiss",
        "appointee_source": "private_counsel",
        **changes,
    }


def _screen_head_of_office(office: ValeOffice) -> None:
    response = post_json(
        token_client(office.ethics),
        "/api/screens",
        {
            "kind": "exclusionary",
            "usernames": [office.whitlock.username],
            "case_ids": [office.case.pk],
            "reason": "Contact with a relative of the victim.",
        },
    )
    assert response.status_code == 201, response.content


def test_screened_head_of_office_to_court_appointed_special_prosecutor() -> None:
    office = vale_office()
    defendant = add_person(office.raman, office.case, first_name="Cal", last_name="Dunmore")
    elsewhere = make_case(office.raman, title="People v. Other")
    keogh = token_client(office.keogh)

    _screen_head_of_office(office)

    # The case now waits for the court; the office keeps the record but cannot decide.
    raman = token_client(office.raman)
    detail = raman.get(f"/api/cases/{office.case.pk}").json()
    assert detail["special_prosecution"] == "awaiting_appointment"
    assert detail["special_prosecution_label"].startswith("Awaiting court appointment")
    listed = {item["id"]: item for item in raman.get("/api/cases").json()["items"]}
    assert listed[office.case.pk]["special_prosecution"] == "awaiting_appointment"
    assert listed[elsewhere.pk]["special_prosecution"] == "none"
    charge = post_json(raman, f"/api/cases/{office.case.pk}/charges", _charge(defendant))
    assert charge.status_code == 403
    assert charge.json() == {"detail": "You may read this case but not charge it."}

    # No "acting State's Attorney": refused, and the refusal is on the record.
    refused = post_json(
        keogh,
        f"/api/cases/{office.case.pk}/acting-delegation",
        {"delegate_username": office.keogh.username},
    )
    assert refused.status_code == 403
    assert refused.json()["detail"].startswith("Refused: there is no office of 'acting")
    entry = AuditEntry.objects.get(action=AuditAction.ACTING_DELEGATION_REFUSED)
    assert (entry.actor, entry.outcome, entry.case_id) == (
        office.keogh,
        AuditOutcome.REFUSED,
        office.case.pk,
    )

    # The petition the screen drafted, as a document to file.
    (petition,) = keogh.get(f"/api/cases/{office.case.pk}/petitions").json()
    assert (petition["ground"], petition["status"], petition["order"]) == (
        "actual_conflict",
        "drafted",
        None,
    )
    document = keogh.get(f"/api/petitions/{petition['id']}/document")
    assert document.status_code == 200
    assert document["Content-Type"] == "text/plain; charset=utf-8"
    assert document["Content-Disposition"].startswith("attachment;")
    assert b"PETITION FOR THE APPOINTMENT OF A SPECIAL PROSECUTOR" in document.content
    assert AuditEntry.objects.filter(
        action=AuditAction.PETITION_DOWNLOADED, actor=office.keogh, subject_id=str(petition["id"])
    ).exists()

    # The court's order: the appointee gets an account for this case alone.
    recorded = post_json(keogh, f"/api/petitions/{petition['id']}/order", _order())
    assert recorded.status_code == 201, recorded.content
    order = recorded.json()
    assert order["initial_password"]
    assert order["order"]["appointee"]["username"] == "hweiss"
    assert order["order"]["judge"] == "Rosa Castellanos"
    assert order["order"]["scope"] == f"Case {office.case.number} only."
    weiss = token_client(User.objects.get(username="hweiss"))
    assert weiss.get(f"/api/cases/{office.case.pk}").json()["special_prosecution"] == "appointed"
    filed = post_json(weiss, f"/api/cases/{office.case.pk}/charges", _charge(defendant))
    assert filed.status_code == 201, filed.content
    assert [item["id"] for item in weiss.get("/api/cases").json()["items"]] == [office.case.pk]
    assert weiss.get(f"/api/cases/{elsewhere.pk}").status_code == 404
    assert (
        post_json(raman, f"/api/cases/{office.case.pk}/charges", _charge(defendant)).status_code
        == 403
    )
    granted = keogh.get(f"/api/cases/{office.case.pk}/petitions").json()[0]
    assert granted["status"] == "granted"
    assert granted["order"]["appointee"]["username"] == "hweiss"


def test_screened_head_of_office_cannot_read_the_petitions() -> None:
    office = vale_office()
    _screen_head_of_office(office)
    petition = Petition.objects.get()
    client = token_client(office.whitlock)

    listing = client.get(f"/api/cases/{office.case.pk}/petitions")
    document = client.get(f"/api/petitions/{petition.pk}/document")
    missing = client.get("/api/petitions/987654/document")

    assert listing.status_code == document.status_code == missing.status_code == 404
    assert document.content == missing.content == b'{"detail": "Case not found."}'


def test_first_assistant_petitions_on_another_ground() -> None:
    office = vale_office()
    path = f"/api/cases/{office.case.pk}/petitions"
    body = {"ground": "sick", "facts": "The State's Attorney is in hospital until June."}

    response = post_json(token_client(office.keogh), path, body)

    assert response.status_code == 201, response.content
    petition = response.json()
    assert (petition["ground"], petition["drafted_by"]["username"]) == ("sick", "mkeogh")
    assert petition["statutory_basis"]
    detail = token_client(office.raman).get(f"/api/cases/{office.case.pk}").json()
    assert detail["special_prosecution"] == "awaiting_appointment"
    again = post_json(token_client(office.keogh), path, body)
    assert again.status_code == 422
    assert "already awaiting" in again.json()["detail"][0]["msg"]


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"ground": "bored", "facts": "x"}, ["body", "ground"]),
        ({"ground": "sick", "facts": ""}, ["body", "facts"]),
        ({"ground": "sick", "facts": "x", "extra": 1}, ["body", "extra"]),
    ],
)
def test_bad_petitions_are_422(body: dict[str, Any], loc: list[str]) -> None:
    office = vale_office()

    response = post_json(token_client(office.keogh), f"/api/cases/{office.case.pk}/petitions", body)

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == loc


def test_an_assistant_may_not_petition() -> None:
    office = vale_office()

    response = post_json(
        token_client(office.raman),
        f"/api/cases/{office.case.pk}/petitions",
        {"ground": "absent", "facts": "Away."},
    )

    assert response.status_code == 403
    assert "may petition" in response.json()["detail"]
    assert not Petition.objects.exists()


def _awaiting(office: ValeOffice) -> tuple[Client, int]:
    _screen_head_of_office(office)
    return token_client(office.keogh), Petition.objects.get().pk


@pytest.mark.parametrize(
    ("changes", "loc"),
    [
        ({"order_date": "2101-01-01"}, ["body", "order_date"]),
        ({"order_date": "2099-01-01"}, ["order_date"]),
        ({"order_date": "2000-01-01"}, ["order_date"]),
        ({"appointee_source": "a_friend"}, ["body", "appointee_source"]),
        ({"appointee_username": "praman"}, ["appointee_username"]),
        ({"appointee_first_name": ""}, ["appointee_first_name"]),
        ({"judge": ""}, ["body", "judge"]),
    ],
)
def test_bad_orders_are_422(changes: dict[str, str], loc: list[str]) -> None:
    office = vale_office()
    client, petition_id = _awaiting(office)

    response = post_json(client, f"/api/petitions/{petition_id}/order", _order(**changes))

    assert response.status_code == 422, response.content
    assert response.json()["detail"][0]["loc"] == loc
    assert not User.objects.filter(username="hweiss").exists()


def test_second_order_is_refused_and_the_existing_appointee_is_reused() -> None:
    office = vale_office()
    client, petition_id = _awaiting(office)
    first = post_json(client, f"/api/petitions/{petition_id}/order", _order())
    assert first.status_code == 201

    second = post_json(client, f"/api/petitions/{petition_id}/order", _order())

    assert second.status_code == 422
    assert "not awaiting" in second.json()["detail"][0]["msg"]


def test_existing_appointee_account_gets_no_new_password() -> None:
    office = vale_office()
    client, petition_id = _awaiting(office)
    make_user(Role.SPECIAL_PROSECUTOR, username="hweiss")

    response = post_json(client, f"/api/petitions/{petition_id}/order", _order())

    assert response.status_code == 201
    assert response.json()["initial_password"] is None


def test_order_on_a_missing_or_hidden_petition_is_a_case_404() -> None:
    office = vale_office()
    _client, petition_id = _awaiting(office)
    body = _order()

    hidden = post_json(token_client(office.whitlock), f"/api/petitions/{petition_id}/order", body)
    missing = post_json(token_client(office.whitlock), "/api/petitions/987654/order", body)

    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content == b'{"detail": "Case not found."}'


def test_acting_delegation_for_an_unknown_user_or_a_hidden_case() -> None:
    office = vale_office()
    other = make_case(office.raman)
    screen_off(office.ethics, [office.keogh], other)
    client = token_client(office.keogh)

    unknown = post_json(
        client, f"/api/cases/{office.case.pk}/acting-delegation", {"delegate_username": "x"}
    )
    hidden = post_json(
        client,
        f"/api/cases/{other.pk}/acting-delegation",
        {"delegate_username": office.raman.username},
    )

    assert unknown.status_code == 422
    assert unknown.json()["detail"][0]["loc"] == ["delegate_username"]
    assert hidden.status_code == 404
    assert not AuditEntry.objects.filter(action=AuditAction.ACTING_DELEGATION_REFUSED).exists()
