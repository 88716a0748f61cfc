"""The JSON API: public submission and tracking without a login, the officer's operations."""

from __future__ import annotations

import io
import zipfile

import pytest
import time_machine
from django.test import Client

from evenhand.accounts.models import Role
from evenhand.records_requests.services import SUBMISSIONS_PER_HOUR
from tests.api.factories import token_client
from tests.factories import make_user

from .factories import make_officer, whitlock_writes_keogh

pytestmark = pytest.mark.django_db
APRIL_8 = "2019-04-08 10:00 -05:00"
SUBMISSION = {"requester_name": "Sam Ortiz", "description": "Whitlock and Keogh messages, 2019."}


@time_machine.travel(APRIL_8)
def test_public_submission_and_tracking_need_no_login_and_are_rate_limited() -> None:
    client = Client()
    created = client.post(
        "/api/public-records/requests", SUBMISSION, content_type="application/json"
    )
    assert created.status_code == 201
    body = created.json()
    assert body["due_on"] == "2019-04-15"
    tracked = client.get(f"/api/public-records/track/{body['tracking_token']}")
    assert tracked.status_code == 200
    assert set(tracked.json()) == {
        "number",
        "status",
        "received_on",
        "due_on",
        "overdue",
        "responded_on",
        "response_kind",
    }
    for _ in range(SUBMISSIONS_PER_HOUR - 1):
        client.post("/api/public-records/requests", SUBMISSION, content_type="application/json")
    limited = client.post(
        "/api/public-records/requests", SUBMISSION, content_type="application/json"
    )
    assert limited.status_code == 429
    empty = client.post(
        "/api/public-records/requests",
        {"requester_name": "Sam", "description": ""},
        content_type="application/json",
    )
    assert empty.status_code == 422


@time_machine.travel(APRIL_8)
def test_officer_enters_extends_reviews_and_downloads_through_the_api() -> None:
    officer = make_officer()
    message = whitlock_writes_keogh()
    api = token_client(officer)
    created = api.post(
        "/api/records-requests",
        {**SUBMISSION, "channel": "mail", "received_on": "2019-04-05"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    request_id = created.json()["id"]
    assert created.json()["due_on"] == "2019-04-12"
    bad_reason = api.post(
        f"/api/records-requests/{request_id}/extension",
        {"reason": "because", "facts": "x", "notice_sent_on": "2019-04-08"},
        content_type="application/json",
    )
    assert bad_reason.status_code == 422
    extended = api.post(
        f"/api/records-requests/{request_id}/extension",
        {"reason": "exemption_review", "facts": "Review.", "notice_sent_on": "2019-04-08"},
        content_type="application/json",
    )
    assert extended.json()["due_on"] == "2019-04-19"
    assert len(extended.json()["deadline_steps"]) == 2
    record = api.post(
        f"/api/records-requests/{request_id}/records",
        {"kind": "message", "object_id": str(message.pk)},
        content_type="application/json",
    ).json()
    for redaction in record["redactions"]:
        decided = api.post(
            f"/api/records-requests/{request_id}/redactions/{redaction['id']}/decision",
            {"accept": True},
            content_type="application/json",
        )
        assert decided.json()["decision"] == "accepted"
    unknown = api.post(
        f"/api/records-requests/{request_id}/records/{record['id']}/decision",
        {"decision": "withheld", "exemption_code": "7(1)(q)(9)", "basis": "x"},
        content_type="application/json",
    )
    assert unknown.status_code == 422
    api.post(
        f"/api/records-requests/{request_id}/records/{record['id']}/decision",
        {"decision": "responsive"},
        content_type="application/json",
    )
    letter = api.post(
        f"/api/records-requests/{request_id}/response",
        {"issued_on": "2019-04-08"},
        content_type="application/json",
    )
    assert letter.json()["kind"] == "partial"
    package = api.get(f"/api/records-requests/{request_id}/package")
    assert "letter.pdf" in zipfile.ZipFile(io.BytesIO(package.content)).namelist()
    assert api.get("/api/records-requests/999999").status_code == 404


@time_machine.travel(APRIL_8)
def test_other_staff_are_refused() -> None:
    api = token_client(make_user(role=Role.ASSISTANT_STATES_ATTORNEY))
    assert api.get("/api/records-requests").status_code == 403
    entered = api.post(
        "/api/records-requests",
        {**SUBMISSION, "channel": "mail", "received_on": "2019-04-05"},
        content_type="application/json",
    )
    assert entered.status_code == 403
