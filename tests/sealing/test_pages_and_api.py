"""The sealing pages and API: the reason form round trip, orders recorded, 403 and 404 alike."""

from __future__ import annotations

import base64
import re

import pytest
from django.test import Client
from django.urls import reverse

from evenhand.accounts.models import Role, User
from evenhand.audit.models import AuditAction, AuditEntry
from evenhand.cases.models import Case
from evenhand.sealing.models import AccessGrant, SealingOrder
from evenhand.sealing.selectors import is_sealed
from tests.api.factories import token_client
from tests.factories import json_object, make_case, make_user
from tests.sealing.factories import grant, seal

pytestmark = pytest.mark.django_db

ORDER = {
    "court": "Circuit Court of Cook County",
    "judge": "Rosa Castellanos",
    "order_date": "2019-03-26",
    "order_reference": "19-CR-03104",
}


@pytest.fixture
def sealed() -> tuple[User, Case]:
    asa = make_user()
    case = make_case(actor=asa)
    seal(case, actor=asa)
    return asa, case


def test_the_case_page_asks_for_a_reason_then_shows_the_case(
    client: Client, sealed: tuple[User, Case]
) -> None:
    _, case = sealed
    prosecutor = make_user(role=Role.FIRST_ASSISTANT)
    client.force_login(prosecutor)
    page = reverse("case-detail", args=[case.pk])
    response = client.get(page)
    assert response.status_code == 302
    form_url = response["Location"]
    assert form_url.startswith(reverse("sealing-reason", args=[case.pk]))
    assert client.get(form_url).status_code == 200
    too_short = client.post(form_url, {"reason": "why", "next": page})
    assert too_short.status_code == 200
    answered = client.post(form_url, {"reason": "Reviewing the disposition terms.", "next": page})
    assert answered.status_code == 302
    assert answered["Location"] == page
    shown = client.get(page)
    assert shown.status_code == 200
    assert case.title in shown.content.decode()
    read = AuditEntry.objects.filter(actor=prosecutor, action=AuditAction.CASE_VIEWED).latest("seq")
    assert json_object(read.after)["access_reason"] == "Reviewing the disposition terms."
    assert AuditEntry.objects.filter(
        actor=prosecutor, action=AuditAction.SEALED_ACCESS_REASON_GIVEN
    ).exists()


def test_the_reason_form_never_redirects_off_site(
    client: Client, sealed: tuple[User, Case]
) -> None:
    _, case = sealed
    client.force_login(make_user())
    response = client.post(
        reverse("sealing-reason", args=[case.pk]),
        {"reason": "Reviewing the disposition terms.", "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("case-detail", args=[case.pk])


@pytest.mark.parametrize("name", ["case-detail", "sealing-case", "sealing-reason"])
def test_without_standing_every_sealing_page_is_a_404(
    client: Client, sealed: tuple[User, Case], name: str
) -> None:
    _, case = sealed
    client.force_login(make_user(role=Role.RECORDS_OFFICER))
    missing = client.get(reverse(name, args=[987654]))
    sealed_response = client.get(reverse(name, args=[case.pk]))
    assert sealed_response.status_code == missing.status_code == 404
    assert _without_csrf_tokens(sealed_response.content) == _without_csrf_tokens(missing.content)


def _without_csrf_tokens(content: bytes) -> bytes:
    # Every response masks its CSRF token afresh; everything else must match byte for byte.
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)


def test_recording_a_sealing_order_on_the_page(client: Client) -> None:
    asa = make_user()
    case = make_case(actor=asa)
    client.force_login(asa)
    response = client.post(
        reverse("sealing-record", args=[case.pk]), {**ORDER, "kind": "immediate"}
    )
    assert response.status_code == 302
    assert is_sealed(case.pk)
    again = client.post(reverse("sealing-record", args=[case.pk]), {**ORDER, "kind": "sealing"})
    assert again.status_code == 200
    assert "already sealed" in again.content.decode()
    assert SealingOrder.objects.filter(case=case).count() == 1


def test_oversight_reads_the_access_log_without_opening_the_case(
    client: Client, sealed: tuple[User, Case]
) -> None:
    _, case = sealed
    inspector = make_user(role=Role.INSPECTOR_GENERAL)
    client.force_login(inspector)
    response = client.get(reverse("sealing-access-log", args=[case.pk]))
    assert response.status_code == 200
    assert "Sealing or expungement order recorded" in response.content.decode()
    assert case.title not in response.content.decode()
    assert client.get(reverse("sealing-access-log", args=[987654])).status_code == 404
    client.force_login(make_user(role=Role.RECORDS_OFFICER))
    assert client.get(reverse("sealing-access-log", args=[case.pk])).status_code == 403


def test_api_needs_the_reason_header_for_a_sealed_case(sealed: tuple[User, Case]) -> None:
    _, case = sealed
    api = token_client(make_user())
    url = f"/api/cases/{case.pk}"
    refused = api.get(url)
    assert refused.status_code == 403
    assert "X-Access-Reason" in refused.json()["detail"]
    read = api.get(url, headers={"X-Access-Reason": "Preparing the appeal brief."})
    assert read.status_code == 200
    sealing = api.get(
        f"/api/cases/{case.pk}/sealing", headers={"X-Access-Reason": "Checking the order."}
    )
    assert sealing.status_code == 200
    assert sealing.json()["sealed"] is True


def test_api_hides_a_sealed_case_from_the_records_officer(sealed: tuple[User, Case]) -> None:
    _, case = sealed
    api = token_client(make_user(role=Role.RECORDS_OFFICER))
    headers = {"X-Access-Reason": "A records request asks for it."}
    sealed_answer = api.get(f"/api/cases/{case.pk}", headers=headers)
    missing_answer = api.get("/api/cases/987654", headers=headers)
    assert sealed_answer.status_code == missing_answer.status_code == 404
    assert sealed_answer.content == missing_answer.content
    listed = api.get("/api/cases").json()
    assert case.pk not in [item["id"] for item in listed["items"]]


def test_api_records_orders_and_grants(sealed: tuple[User, Case]) -> None:
    asa, case = sealed
    api = token_client(asa)
    inspector = make_user(role=Role.INSPECTOR_GENERAL)
    document = {
        "name": "order.pdf",
        "content_type": "application/pdf",
        "content_base64": base64.b64encode(b"%PDF-1.4 order").decode(),
    }
    granted = api.post(
        f"/api/cases/{case.pk}/sealing/grants",
        {
            **ORDER,
            "grantee_username": inspector.username,
            "scope": "Inspection by the inspector general.",
            "document": document,
        },
        content_type="application/json",
    )
    assert granted.status_code == 201, granted.content
    grant_id = granted.json()["id"]
    assert AccessGrant.objects.get(pk=grant_id).document_sha256
    overlap = api.post(
        f"/api/cases/{case.pk}/sealing/orders",
        {**ORDER, "kind": "sealing"},
        content_type="application/json",
    )
    assert overlap.status_code == 422
    assert "already sealed" in overlap.json()["detail"][0]["msg"]
    unknown = api.post(
        "/api/cases/987654/sealing/orders",
        {**ORDER, "kind": "sealing"},
        content_type="application/json",
    )
    assert unknown.status_code == 404
    revoked = api.post(
        f"/api/sealing/grants/{grant_id}/revoke",
        {"reason": "Order vacated."},
        content_type="application/json",
    )
    assert revoked.status_code == 200
    unsealed = api.post(
        f"/api/cases/{case.pk}/sealing/unsealing", ORDER, content_type="application/json"
    )
    assert unsealed.status_code == 201
    assert not is_sealed(case.pk)
    bad = api.post(
        f"/api/cases/{case.pk}/sealing/orders",
        {**ORDER, "kind": "sealing", "document": {**document, "content_base64": "!!"}},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert not SealingOrder.objects.filter(case=case, unsealing__isnull=True).exists()


def test_a_grant_opens_the_case_to_the_named_inspector_only(sealed: tuple[User, Case]) -> None:
    asa, case = sealed
    inspector = make_user(role=Role.INSPECTOR_GENERAL)
    grant(case, actor=asa, grantee=inspector)
    headers = {"X-Access-Reason": "Office review ordered by the court."}
    assert token_client(inspector).get(f"/api/cases/{case.pk}", headers=headers).status_code == 200
    other = token_client(make_user(role=Role.INSPECTOR_GENERAL))
    assert other.get(f"/api/cases/{case.pk}", headers=headers).status_code == 404
