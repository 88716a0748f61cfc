"""The edge refuses over-long free text before a service is reached, and says the same bound:
the API's schemas (and so the OpenAPI document that schemathesis fuzzes) and the web forms, for
a disposition's conditions and note, the record-check attestation, a term's detail, a log
entry's note, a same-conduct note and the reason for overriding the re-prosecution bar."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django import forms
from django.db import models
from django.test import Client

from evenhand.charging.forms import ChargingForm
from evenhand.charging.services import MAX_RATIONALE
from evenhand.dispositions.forms import (
    CheckedChargeForm,
    DispositionCorrectionForm,
    DispositionForm,
    EnrolmentForm,
    SameConductForm,
    TermEntryForm,
    TermForm,
)
from evenhand.dispositions.models import BarOverride, Enrolment, SameConductLink, Term, TermEntry
from evenhand.dispositions.services.common import (
    MAX_OVERRIDE_REASON_LENGTH,
    MAX_SHORT_TEXT_LENGTH,
    MAX_TEXT_LENGTH,
)
from tests.api.factories import token_client

from .factories import FALSE_REPORT, World, add_term, charged_case, enrol
from .test_free_text_limits import DISPOSED_ON, REFILED_ON, _barred_again, _record, _state, _text

pytestmark = pytest.mark.django_db

# (schema, property) -> the bound the service holds it to.
DOCUMENTED = {
    ("DispositionIn", "conditions"): MAX_TEXT_LENGTH,
    ("DispositionIn", "note"): MAX_TEXT_LENGTH,
    ("DispositionChangeIn", "conditions"): MAX_TEXT_LENGTH,
    ("DispositionChangeIn", "note"): MAX_TEXT_LENGTH,
    ("EnrolmentIn", "prior_record_attestation"): MAX_TEXT_LENGTH,
    ("TermIn", "detail"): MAX_SHORT_TEXT_LENGTH,
    ("TermEntryIn", "note"): MAX_SHORT_TEXT_LENGTH,
    ("SameConductIn", "note"): MAX_SHORT_TEXT_LENGTH,
    ("CheckedChargesIn", "override_reason"): MAX_OVERRIDE_REASON_LENGTH,
}


def test_the_openapi_document_states_the_services_bounds() -> None:
    schemas = Client().get("/api/openapi.json").json()["components"]["schemas"]

    documented = {
        (schema, name): schemas[schema]["properties"][name]["maxLength"]
        for schema, name in DOCUMENTED
    }

    assert documented == DOCUMENTED


# --- the API -----------------------------------------------------------------------------------

# Given a fresh case, where to send what, with the text under test put in `field`.
Request = tuple[str, str, dict[str, Any]]


def _send(client: Client, request: Request, **text: str) -> Any:
    method, path, body = request
    return client.generic(
        method, path, json.dumps({**body, **text}), content_type="application/json"
    )


def _disposition(world: World) -> Request:
    body = {"charge_id": world.charges[0].pk, "kind": "nolle_prosequi"}
    return "POST", f"/api/dispositions/cases/{world.case.pk}", {**body, "disposed_on": "2019-03-26"}


def _correction(world: World) -> Request:
    disposition = _record(world)
    return (
        "PUT",
        f"/api/dispositions/cases/{world.case.pk}/dispositions/{disposition.pk}",
        {
            "version": 1,
            "kind": "nolle_prosequi_conditions",
            "disposed_on": DISPOSED_ON.isoformat(),
            "reason": "The conditions read again from the court's order",
        },
    )


def _enrolment(world: World) -> Request:
    return (
        "POST",
        f"/api/dispositions/cases/{world.case.pk}/enrolments",
        {
            "participant_id": world.defendant.pk,
            "programme": "alternative_disposition",
            "starts_on": "2019-03-20",
            "ends_on": "2019-06-30",
            "consent_state_attorney": "given",
            "consent_defendant": "given",
        },
    )


def _term(world: World) -> Request:
    enrolment = enrol(world)
    return (
        "POST",
        f"/api/dispositions/enrolments/{enrolment.pk}/terms",
        {"kind": "no_contact", "due_on": "2019-06-30"},
    )


def _entry(world: World) -> Request:
    term = add_term(world, enrol(world))
    return (
        "POST",
        f"/api/dispositions/terms/{term.pk}/entries",
        {"version": 1, "kind": "note", "occurred_on": "2019-04-02"},
    )


def _same_conduct(world: World) -> Request:
    later = charged_case(prosecutor=world.prosecutor, received_on=REFILED_ON, filed_on=REFILED_ON)
    return (
        "POST",
        f"/api/dispositions/cases/{later.case.pk}/same-conduct",
        {"earlier_case_id": world.case.pk},
    )


def _charges(world: World) -> Request:
    again = _barred_again(world)
    return (
        "POST",
        f"/api/dispositions/cases/{again.case.pk}/charges",
        {
            "participant_id": again.defendant.pk,
            "statute_key": FALSE_REPORT,
            "counts": 1,
            "filed_on": REFILED_ON.isoformat(),
        },
    )


API_BOUNDS: list[tuple[Callable[[World], Request], str, int]] = [
    (_disposition, "conditions", MAX_TEXT_LENGTH),
    (_disposition, "note", MAX_TEXT_LENGTH),
    (_correction, "conditions", MAX_TEXT_LENGTH),
    (_correction, "note", MAX_TEXT_LENGTH),
    (_enrolment, "prior_record_attestation", MAX_TEXT_LENGTH),
    (_term, "detail", MAX_SHORT_TEXT_LENGTH),
    (_entry, "note", MAX_SHORT_TEXT_LENGTH),
    (_same_conduct, "note", MAX_SHORT_TEXT_LENGTH),
    (_charges, "override_reason", MAX_OVERRIDE_REASON_LENGTH),
]


@pytest.mark.parametrize(
    ("request_for", "field", "limit"),
    API_BOUNDS,
    ids=[f"{request_for.__name__.strip('_')}.{field}" for request_for, field, _ in API_BOUNDS],
)
def test_the_api_refuses_text_beyond_the_bound_and_changes_nothing(
    request_for: Callable[[World], Request], field: str, limit: int
) -> None:
    world = charged_case(counts=1)
    client = token_client(world.prosecutor)
    request = request_for(world)
    before = _state()

    response = _send(client, request, **{field: "x" * (limit + 1)})

    assert response.status_code == 422, response.json()
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", field]
    assert f"at most {limit} characters" in error["msg"]
    assert _state() == before


def test_the_api_takes_an_override_reason_up_to_the_charging_rationales_bound() -> None:
    world = charged_case(counts=1)
    client = token_client(world.prosecutor)
    request = _charges(world)
    reason = "Charged for new conduct on a later date; see the officer's report. " * 200
    reason = reason[:MAX_OVERRIDE_REASON_LENGTH].strip()

    response = _send(client, request, override_reason=reason)

    assert response.status_code == 201, response.json()
    assert response.json()["bar_overridden"] is True
    assert BarOverride.objects.get().reason == reason


def test_the_api_keeps_an_attestation_of_exactly_the_bound() -> None:
    world = charged_case(counts=1)
    client = token_client(world.prosecutor)
    request = _enrolment(world)
    attestation = "a" * MAX_TEXT_LENGTH

    response = _send(client, request, prior_record_attestation=attestation)

    assert response.status_code == 201, response.json()
    assert Enrolment.objects.get().prior_record_attestation == attestation


# --- the web forms -----------------------------------------------------------------------------

# Given a fresh case, the page and the form as posted, with the text under test put in `field`.
Posted = tuple[str, dict[str, str]]


def _disposition_page(world: World) -> Posted:
    return (
        f"/cases/{world.case.pk}/dispositions/record/",
        {
            "charge": str(world.charges[0].pk),
            "kind": "nolle_prosequi_conditions",
            "disposed_on": DISPOSED_ON.isoformat(),
        },
    )


def _enrolment_page(world: World) -> Posted:
    return (
        f"/cases/{world.case.pk}/dispositions/enrol/",
        {
            "participant": str(world.defendant.pk),
            "programme": "alternative_disposition",
            "starts_on": "2019-03-20",
            "ends_on": "2019-06-30",
            "consent_state_attorney": "given",
            "consent_defendant": "given",
            "consent_victim": "unknown",
            "enrol": "1",
        },
    )


def _charges_page(world: World) -> Posted:
    again = _barred_again(world)
    return (
        f"/cases/{again.case.pk}/dispositions/charges/",
        {
            "participant": str(again.defendant.pk),
            "statute_key": FALSE_REPORT,
            "counts": "1",
            "filed_on": REFILED_ON.isoformat(),
        },
    )


WEB_BOUNDS: list[tuple[Callable[[World], Posted], str, int]] = [
    (_disposition_page, "conditions", MAX_TEXT_LENGTH),
    (_disposition_page, "note", MAX_TEXT_LENGTH),
    (_enrolment_page, "prior_record_attestation", MAX_TEXT_LENGTH),
    (_charges_page, "override_reason", MAX_OVERRIDE_REASON_LENGTH),
]


@pytest.mark.parametrize(
    ("page_for", "field", "limit"),
    WEB_BOUNDS,
    ids=[f"{page_for.__name__.strip('_')}.{field}" for page_for, field, _ in WEB_BOUNDS],
)
def test_the_page_refuses_text_beyond_the_bound_says_so_and_changes_nothing(
    page_for: Callable[[World], Posted], field: str, limit: int
) -> None:
    world = charged_case(counts=1)
    client = Client()
    client.force_login(world.prosecutor)
    url, form = page_for(world)
    before = _state()

    refused = client.post(url, {**form, field: "x" * (limit + 1)})

    assert refused.status_code == 200
    assert f"at most {limit} characters (it has {limit + 1})" in _text(refused)
    assert _state() == before


def test_the_disposition_page_keeps_conditions_of_exactly_the_bound() -> None:
    world = charged_case(counts=1)
    client = Client()
    client.force_login(world.prosecutor)
    url, form = _disposition_page(world)
    conditions = "c" * MAX_TEXT_LENGTH

    saved = client.post(url, {**form, "conditions": conditions})

    assert saved.status_code == 302
    assert world.charges[0].dispositions.get().conditions == conditions


# --- the forms, the models and the charging form that passes the override on -----------------


FORM_BOUNDS: list[tuple[type[forms.Form], dict[str, Any], str, int]] = [
    (DispositionForm, {"charges": []}, "conditions", MAX_TEXT_LENGTH),
    (DispositionForm, {"charges": []}, "note", MAX_TEXT_LENGTH),
    (DispositionCorrectionForm, {}, "conditions", MAX_TEXT_LENGTH),
    (DispositionCorrectionForm, {}, "note", MAX_TEXT_LENGTH),
    (EnrolmentForm, {"defendants": []}, "prior_record_attestation", MAX_TEXT_LENGTH),
    (TermForm, {}, "detail", MAX_SHORT_TEXT_LENGTH),
    (TermEntryForm, {}, "note", MAX_SHORT_TEXT_LENGTH),
    (SameConductForm, {}, "note", MAX_SHORT_TEXT_LENGTH),
    (CheckedChargeForm, {"defendants": []}, "override_reason", MAX_OVERRIDE_REASON_LENGTH),
    # Charging files through `charges_file_checked` and passes its bar override reason on.
    (ChargingForm, {"defendants": []}, "bar_override_reason", MAX_OVERRIDE_REASON_LENGTH),
]


@pytest.mark.parametrize(
    ("form_class", "arguments", "name", "limit"),
    FORM_BOUNDS,
    ids=[f"{form.__name__}.{name}" for form, _arguments, name, _limit in FORM_BOUNDS],
)
def test_the_forms_bound_the_same_text_as_the_services(
    form_class: type[forms.Form], arguments: dict[str, Any], name: str, limit: int
) -> None:
    field = form_class(**arguments).fields[name]

    assert isinstance(field, forms.CharField)
    assert field.max_length == limit


def test_the_short_bound_is_the_columns_and_the_override_the_charging_rationales() -> None:
    columns = [Term._meta.get_field("detail"), TermEntry._meta.get_field("note")]
    columns.append(SameConductLink._meta.get_field("note"))
    for column in columns:
        assert isinstance(column, models.CharField)
        assert column.max_length == MAX_SHORT_TEXT_LENGTH, column
    assert MAX_OVERRIDE_REASON_LENGTH == MAX_RATIONALE
