"""Who may call the API at all: tokens, sessions, CSRF."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.crypto import get_random_string

from evenhand.accounts.models import Role
from evenhand.accounts.services import api_token_revoke, user_set_active
from evenhand.audit.models import AuditAction, AuditEntry

from .factories import make_case, make_token, make_user, token_client

pytestmark = pytest.mark.django_db


def _bearer(secret: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {secret}"})


def test_token_authenticates_as_its_user() -> None:
    user = make_user(Role.INVESTIGATOR, username="ines")

    response = token_client(user).get("/api/me")

    assert response.status_code == 200
    assert response.json()["username"] == "ines"
    assert response.json()["role"] == Role.INVESTIGATOR


def test_no_credentials_is_a_json_401() -> None:
    response = Client().get("/api/cases")

    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "Unauthorized"}


def test_anonymous_post_is_401_not_a_csrf_403() -> None:
    response = Client(enforce_csrf_checks=True).post(
        "/api/cases", {"title": "x"}, content_type="application/json"
    )

    assert response.status_code == 401


@pytest.mark.parametrize(
    "header",
    [
        "Bearer evh_garbage",
        "Bearer not-even-prefixed",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "evh_token_without_scheme",
    ],
)
def test_garbage_authorization_is_401(header: str) -> None:
    response = Client(headers={"Authorization": header}).get("/api/me")

    assert response.status_code == 401
    assert "token" in response.json()["detail"].lower()


def test_revoked_token_is_401() -> None:
    user = make_user()
    secret = make_token(user)
    client = _bearer(secret)
    assert client.get("/api/me").status_code == 200

    api_token_revoke(actor=user, token=user.api_tokens.get())

    assert client.get("/api/me").status_code == 401


def test_expired_token_is_401() -> None:
    user = make_user()
    secret = make_token(user, expires_at=timezone.now() + dt.timedelta(hours=1))
    client = _bearer(secret)
    assert client.get("/api/me").status_code == 200

    user.api_tokens.update(expires_at=timezone.now() - dt.timedelta(seconds=1))

    assert client.get("/api/me").status_code == 401


def test_token_of_deactivated_user_is_401() -> None:
    admin = make_user(Role.ADMINISTRATOR)
    user = make_user()
    client = token_client(user)

    user_set_active(actor=admin, user=user, is_active=False)

    assert client.get("/api/me").status_code == 401


def test_bad_token_does_not_fall_back_to_the_session() -> None:
    user = make_user()
    client = Client(headers={"Authorization": "Bearer evh_wrong"})
    client.force_login(user)

    assert client.get("/api/me").status_code == 401


def test_session_reads_without_csrf_token() -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(username="sally"))

    response = client.get("/api/me")

    assert response.status_code == 200
    assert response.json()["username"] == "sally"


def test_session_post_requires_csrf_token() -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user())
    body = {"title": "People v. Roe", "received_on": "2024-03-01"}

    refused = client.post("/api/cases", body, content_type="application/json")

    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert not AuditEntry.objects.filter(action=AuditAction.CASE_OPENED).exists()

    # What a browser holds after any page rendered a form: the cookie, echoed in a header.
    secret = get_random_string(32)
    client.cookies["csrftoken"] = secret
    accepted = client.post(
        "/api/cases", body, content_type="application/json", headers={"X-CSRFToken": secret}
    )

    assert accepted.status_code == 201, accepted.json()


def test_session_post_with_wrong_csrf_token_is_refused() -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user())
    client.cookies["csrftoken"] = get_random_string(32)

    response = client.post(
        "/api/cases",
        {"title": "People v. Roe", "received_on": "2024-03-01"},
        content_type="application/json",
        headers={"X-CSRFToken": get_random_string(32)},
    )

    assert response.status_code == 403


def test_token_post_needs_no_csrf_token() -> None:
    user = make_user()
    client = Client(
        enforce_csrf_checks=True, headers={"Authorization": f"Bearer {make_token(user)}"}
    )

    response = client.post(
        "/api/cases",
        {"title": "People v. Roe", "received_on": "2024-03-01"},
        content_type="application/json",
    )

    assert response.status_code == 201


def test_every_operation_requires_authentication() -> None:
    case = make_case(make_user())
    anonymous = Client()
    paths = [
        ("get", "/api/cases"),
        ("get", f"/api/cases/{case.pk}"),
        ("get", f"/api/cases/{case.pk}/audit"),
        ("post", "/api/cases"),
        ("post", f"/api/cases/{case.pk}/participants"),
        ("post", f"/api/cases/{case.pk}/participants/1/role"),
        ("post", f"/api/cases/{case.pk}/events"),
        ("post", f"/api/cases/{case.pk}/charges"),
        ("post", f"/api/cases/{case.pk}/charges/1/amend"),
        ("get", "/api/statutes"),
        ("get", "/api/classes"),
        ("get", "/api/me"),
        ("get", "/api/tokens"),
        ("post", "/api/tokens"),
        ("delete", "/api/tokens/1"),
    ]

    statuses = {
        (method, path): getattr(anonymous, method)(path).status_code for method, path in paths
    }

    assert set(statuses.values()) == {401}, statuses
