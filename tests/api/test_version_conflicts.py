"""Every operation that names the version it read answers a lost update the same way: 409,
`{"detail": ...}` saying someone else changed it, nothing saved, and the 409 declared in the
OpenAPI document. One handler (`api.errors`) does it for all of them."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from evenhand.api.api import api
from evenhand.cases.locking import VersionConflictError
from evenhand.dispositions.models import ChargeDisposition, DispositionKind, Enrolment, Term
from evenhand.dispositions.services import disposition_record
from tests.dispositions.factories import add_term, charged_case, enrol

from .factories import token_client

pytestmark = pytest.mark.django_db


def _send(client: Client, method: str, path: str, body: dict[str, Any]) -> Any:
    return client.generic(method, path, json.dumps(body), content_type="application/json")


def test_stale_versions_are_409_with_one_body_and_nothing_saved() -> None:
    world = charged_case()
    client = token_client(world.prosecutor)
    disposition = disposition_record(
        actor=world.prosecutor,
        case_id=world.case.pk,
        charge_id=world.charges[0].pk,
        kind=DispositionKind.NOLLE_PROSEQUI,
        disposed_on=dt.date(2019, 3, 26),
    )
    enrolment = enrol(world)
    term = add_term(world, enrolment)
    stale = 99
    attempts = {
        "disposition": (
            "PUT",
            f"/api/dispositions/cases/{world.case.pk}/dispositions/{disposition.pk}",
            {
                "version": stale,
                "kind": "sol",
                "disposed_on": "2019-03-25",
                "reinstatement_deadline": "2019-06-01",
                "reason": "Stricken with leave, not dropped",
            },
        ),
        "term": (
            "PATCH",
            f"/api/dispositions/terms/{term.pk}",
            {"version": stale, "due_on": "2019-05-31", "reason": "Extended by the court"},
        ),
        "enrolment": (
            "POST",
            f"/api/dispositions/enrolments/{enrolment.pk}/end",
            {
                "version": stale,
                "status": "withdrawn",
                "ended_on": "2019-04-01",
                "reason": "Defendant withdrew consent",
            },
        ),
    }

    for what, (method, path, body) in attempts.items():
        response = _send(client, method, path, body)
        assert response.status_code == 409, (what, response.json())
        assert response.json() == {"detail": str(VersionConflictError(what))}

    assert ChargeDisposition.objects.get(pk=disposition.pk).version == 1
    assert Term.objects.get(pk=term.pk).version == 1
    assert Enrolment.objects.get(pk=enrolment.pk).version == 1


def test_every_versioned_operation_declares_its_409() -> None:
    paths = api.get_openapi_schema()["paths"]
    versioned = [
        ("put", "/api/dispositions/cases/{case_id}/dispositions/{disposition_id}"),
        ("patch", "/api/dispositions/terms/{term_id}"),
        ("post", "/api/dispositions/terms/{term_id}/entries"),
        ("post", "/api/dispositions/enrolments/{enrolment_id}/complete"),
        ("post", "/api/dispositions/enrolments/{enrolment_id}/end"),
        ("post", "/api/cases/{case_id}/charges/{charge_id}/amend"),
    ]
    for method, path in versioned:
        responses = {
            str(status): answer for status, answer in paths[path][method]["responses"].items()
        }
        declared = responses["409"]
        schema = declared["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/ErrorOut"}, (method, path)
