"""Issuing, listing and revoking API tokens through the API."""

from __future__ import annotations

import pytest
from django.test import Client

from evenhand.accounts.models import ApiToken
from evenhand.audit.models import AuditAction, AuditEntry

from .factories import make_token, make_user, token_client

pytestmark = pytest.mark.django_db


def _session(username: str = "staffer") -> Client:
    client = Client()
    client.force_login(make_user(username=username))
    return client


def test_create_returns_the_secret_once_and_it_works() -> None:
    client = _session("tess")

    created = client.post(
        "/api/tokens",
        {"name": "nightly export", "expires_at": "2099-01-01T00:00:00Z"},
        content_type="application/json",
    )

    assert created.status_code == 201
    body = created.json()
    assert body["secret"].startswith(f"evh_{body['prefix']}_")
    assert body["name"] == "nightly export"
    assert body["expires_at"].startswith("2099-01-01T00:00:00")
    me = Client(headers={"Authorization": f"Bearer {body['secret']}"}).get("/api/me")
    assert me.json()["username"] == "tess"
    listed = client.get("/api/tokens").json()
    assert [token["id"] for token in listed] == [body["id"]]
    assert "secret" not in listed[0]
    assert AuditEntry.objects.filter(
        action=AuditAction.API_TOKEN_CREATED, subject_id=str(body["id"])
    ).exists()


def test_a_token_cannot_mint_another_token() -> None:
    client = token_client(make_user())

    response = client.post("/api/tokens", {"name": "child"}, content_type="application/json")

    assert response.status_code == 403
    assert "session" in response.json()["detail"]


def test_expiry_in_the_past_is_refused_by_the_service() -> None:
    response = _session().post(
        "/api/tokens",
        {"name": "stale", "expires_at": "2001-01-01T00:00:00+00:00"},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["expires_at"]


def test_blank_name_is_refused() -> None:
    response = _session().post("/api/tokens", {"name": "   "}, content_type="application/json")

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["name"]


def test_revoke_then_the_token_stops_working() -> None:
    user = make_user()
    secret = make_token(user)
    token_id = ApiToken.objects.get(user=user).pk
    script = Client(headers={"Authorization": f"Bearer {secret}"})

    response = script.delete(f"/api/tokens/{token_id}")

    assert response.status_code == 204
    assert script.get("/api/me").status_code == 401
    entry = AuditEntry.objects.get(action=AuditAction.API_TOKEN_REVOKED)
    assert entry.actor == user
    assert entry.subject_id == str(token_id)


def test_revoking_twice_is_harmless() -> None:
    user = make_user()
    make_token(user)
    token_id = ApiToken.objects.get(user=user).pk
    browser = Client()
    browser.force_login(user)

    assert browser.delete(f"/api/tokens/{token_id}").status_code == 204
    assert browser.delete(f"/api/tokens/{token_id}").status_code == 204
    assert AuditEntry.objects.filter(action=AuditAction.API_TOKEN_REVOKED).count() == 1


def test_someone_elses_token_reads_as_not_found() -> None:
    owner = make_user()
    make_token(owner)
    victim_token = ApiToken.objects.get(user=owner)
    intruder = token_client(make_user())

    response = intruder.delete(f"/api/tokens/{victim_token.pk}")

    assert response.status_code == 404
    assert response.json() == {"detail": "Token not found."}
    victim_token.refresh_from_db()
    assert victim_token.revoked_at is None
