"""The dispositions API: the story of step 8 and 13 over JSON, and clear 4xx for bad input."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from evenhand.accounts.models import Role
from evenhand.audit.models import AuditAction, AuditEntry
from evenhand.dispositions.models import ChargeDisposition, DispositionKind, Term
from evenhand.dispositions.services import disposition_record
from tests.api.factories import token_client
from tests.factories import json_object, make_user

from .factories import FALSE_REPORT, RETAIL_THEFT, add_term, charged_case, enrol

pytestmark = pytest.mark.django_db


def _post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, body, content_type="application/json")


def _send(client: Client, method: str, path: str, body: dict[str, Any]) -> Any:
    return client.generic(method, path, json.dumps(body), content_type="application/json")


def test_alternative_disposition_then_bar_over_the_api() -> None:
    world = charged_case(counts=16)
    client = token_client(world.prosecutor)
    base = f"/api/dispositions/cases/{world.case.pk}"
    enrolled = _post(
        client,
        f"{base}/enrolments",
        {
            "participant_id": world.defendant.pk,
            "programme": "alternative_disposition",
            "starts_on": "2019-03-20",
            "ends_on": "2019-06-30",
            "consent_state_attorney": "given",
            "consent_defendant": "given",
        },
    )
    assert enrolled.status_code == 201, enrolled.json()
    enrolment = enrolled.json()
    terms = f"/api/dispositions/enrolments/{enrolment['id']}/terms"
    hours = _post(
        client,
        terms,
        {"kind": "community_service", "required_amount": "15", "due_on": "2019-03-26"},
    ).json()
    bond = _post(
        client,
        terms,
        {"kind": "bond_forfeiture", "required_amount": "10000", "due_on": "2019-03-26"},
    ).json()
    for term, kind, amount in ((hours, "hours", "15"), (bond, "payment", "10000")):
        logged = _post(
            client,
            f"/api/dispositions/terms/{term['id']}/entries",
            {
                "version": term["version"],
                "kind": kind,
                "amount": amount,
                "occurred_on": "2019-03-25",
            },
        )
        assert logged.status_code == 201, logged.json()
        assert logged.json()["status"] == "met"
    stale = _post(
        client,
        f"/api/dispositions/terms/{hours['id']}/entries",
        {"version": hours["version"], "kind": "note", "occurred_on": "2019-03-25"},
    )
    assert stale.status_code == 409
    assert "changed by someone else" in stale.json()["detail"]
    done = _post(
        client,
        f"/api/dispositions/enrolments/{enrolment['id']}/complete",
        {"version": enrolment["version"], "completed_on": "2019-03-26"},
    )
    assert done.status_code == 200, done.json()
    assert len(done.json()) == 16
    assert all(d["performed_consideration"] for d in done.json())
    assert {d["cook_county_value"] for d in done.json()} == {"Nolle Prosecution"}

    second = charged_case(
        prosecutor=world.prosecutor, defendant=world.defendant, statute_key=RETAIL_THEFT, counts=1
    )
    filing = {
        "participant_id": second.defendant.pk,
        "statute_key": FALSE_REPORT,
        "counts": 6,
        "filed_on": "2020-02-11",
    }
    path = f"/api/dispositions/cases/{second.case.pk}/charges"
    warned = _post(client, path, filing)
    assert warned.status_code == 409
    assert warned.json()["findings"][0]["earlier_case"] == world.case.number
    filed = _post(client, path, {**filing, "override_reason": "New evidence of a void deal."})
    assert filed.status_code == 201
    assert filed.json()["bar_overridden"] is True
    assert len(filed.json()["charge_ids"]) == 6


def test_eligibility_is_explained_rule_by_rule() -> None:
    world = charged_case(statute_key=RETAIL_THEFT)
    query: dict[str, str | int] = {
        "participant_id": world.defendant.pk,
        "programme": "offender_initiative",
    }
    response = token_client(world.prosecutor).get(
        f"/api/dispositions/cases/{world.case.pk}/eligibility", query
    )
    assert response.status_code == 200
    body = response.json()
    assert body["overall"] == "undetermined"
    rules = {rule["rule"]: rule["outcome"] for rule in body["rules"]}
    assert rules["offence"] == "met"
    assert rules["prior_felony"] == "unknown"
    assert rules["consent_defendant"] == "unknown"


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "community_service", "required_amount": "-15", "due_on": "2019-04-01"},
        {"kind": "community_service", "required_amount": "abc", "due_on": "2019-04-01"},
        {"kind": "ankle_monitor", "due_on": "2019-04-01"},
        {"kind": "community_service", "required_amount": "15", "due_on": "not a date"},
    ],
)
def test_bad_terms_are_422_and_nothing_is_saved(body: dict[str, Any]) -> None:
    world = charged_case()
    client = token_client(world.prosecutor)
    enrolment = _post(
        client,
        f"/api/dispositions/cases/{world.case.pk}/enrolments",
        {
            "participant_id": world.defendant.pk,
            "programme": "alternative_disposition",
            "starts_on": "2019-03-20",
            "ends_on": "2019-06-30",
            "consent_state_attorney": "given",
            "consent_defendant": "given",
        },
    ).json()
    response = _post(client, f"/api/dispositions/enrolments/{enrolment['id']}/terms", body)
    assert response.status_code == 422
    assert not Term.objects.exists()


def test_orders_on_unknown_cases_and_enrolments_are_404() -> None:
    client = token_client(make_user())
    missing = _post(
        client,
        "/api/dispositions/cases/999999",
        {"charge_id": 1, "kind": "nolle_prosequi", "disposed_on": "2019-03-26"},
    )
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Case not found."}
    term = _post(
        client,
        "/api/dispositions/enrolments/999999/terms",
        {"kind": "community_service", "required_amount": "15", "due_on": "2019-04-01"},
    )
    assert term.status_code == 404
    assert term.json() == {"detail": "Case not found."}


def test_investigators_may_read_but_not_dispose() -> None:
    world = charged_case()
    investigator = token_client(make_user(role=Role.INVESTIGATOR))
    assert investigator.get(f"/api/dispositions/cases/{world.case.pk}").status_code == 200
    refused = _post(
        investigator,
        f"/api/dispositions/cases/{world.case.pk}",
        {"charge_id": world.charges[0].pk, "kind": "nolle_prosequi", "disposed_on": "2019-03-26"},
    )
    assert refused.status_code == 403
    assert not ChargeDisposition.objects.exists()


def test_the_lists_and_programmes_answer() -> None:
    client = token_client(make_user())
    assert client.get("/api/dispositions/overdue-terms").json()["total"] == 0
    assert client.get("/api/dispositions/due-soon-terms", {"days": 30}).status_code == 200
    assert client.get("/api/dispositions/due-soon-terms", {"days": -1}).status_code == 422
    codes = {p["code"] for p in client.get("/api/dispositions/programmes").json()}
    assert "offender_initiative" in codes


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_a_correction_without_a_reason_is_422_and_nothing_changes(reason: str | None) -> None:
    world = charged_case()
    disposition = disposition_record(
        actor=world.prosecutor,
        case_id=world.case.pk,
        charge_id=world.charges[0].pk,
        kind=DispositionKind.NOLLE_PROSEQUI,
        disposed_on=dt.date(2019, 3, 26),
    )
    body: dict[str, Any] = {"version": 1, "kind": "nolle_prosequi", "disposed_on": "2019-03-25"}
    if reason is not None:
        body["reason"] = reason
    path = f"/api/dispositions/cases/{world.case.pk}/dispositions/{disposition.pk}"

    response = _send(token_client(world.prosecutor), "PUT", path, body)

    assert response.status_code == 422, response.json()
    assert [error["loc"][-1] for error in response.json()["detail"]] == ["reason"]
    disposition.refresh_from_db()
    assert (disposition.disposed_on, disposition.version) == (dt.date(2019, 3, 26), 1)


def test_a_correction_over_the_api_records_its_reason() -> None:
    world = charged_case()
    disposition = disposition_record(
        actor=world.prosecutor,
        case_id=world.case.pk,
        charge_id=world.charges[0].pk,
        kind=DispositionKind.NOLLE_PROSEQUI,
        disposed_on=dt.date(2019, 3, 26),
    )

    response = _send(
        token_client(world.prosecutor),
        "PUT",
        f"/api/dispositions/cases/{world.case.pk}/dispositions/{disposition.pk}",
        {
            "version": 1,
            "kind": "nolle_prosequi",
            "disposed_on": "2019-03-25",
            "note": "Per the half sheet",
            "reason": "Date entered wrongly",
        },
    )

    assert response.status_code == 200, response.json()
    after = json_object(AuditEntry.objects.get(action=AuditAction.DISPOSITION_CHANGED).after)
    assert (after["reason"], after["note"]) == ("Date entered wrongly", "Per the half sheet")


def test_a_due_date_moves_over_the_api_only_with_a_reason() -> None:
    world = charged_case()
    term = add_term(world, enrol(world))
    client = token_client(world.prosecutor)
    path = f"/api/dispositions/terms/{term.pk}"

    unexplained = _send(client, "PATCH", path, {"version": 1, "due_on": "2019-05-31"})
    blank = _send(client, "PATCH", path, {"version": 1, "due_on": "2019-05-31", "reason": " "})
    moved = _send(
        client,
        "PATCH",
        path,
        {"version": 1, "due_on": "2019-05-31", "reason": "Extended by the court"},
    )

    assert (unexplained.status_code, blank.status_code) == (422, 422)
    assert unexplained.json()["detail"][0]["loc"][-1] == "reason"
    assert moved.status_code == 200, moved.json()
    assert moved.json()["due_on"] == "2019-05-31"
    after = json_object(AuditEntry.objects.get(action=AuditAction.TERM_CHANGED).after)
    assert after["reason"] == "Extended by the court"
