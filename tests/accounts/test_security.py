"""Security baseline: argon2, lockout, idle timeout, TOTP, CSP, audited log-ons, tokens."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from evenhand.accounts.models import Role
from evenhand.accounts.services import (
    api_token_create,
    api_token_revoke,
    user_create,
    user_for_api_token,
)
from evenhand.audit.models import AuditAction, AuditEntry
from evenhand.config.settings import base
from tests.factories import TEST_PASSWORD, make_user

pytestmark = pytest.mark.django_db
REPO = Path(__file__).resolve().parents[2]


def _login(client: Client, username: str, password: str) -> int:
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.status_code


def test_base_settings_hash_with_argon2() -> None:
    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    with override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS):
        user = user_create(actor=None, username="argon", password=TEST_PASSWORD, role=Role.AUDITOR)
    assert user.password.startswith("argon2$")


def test_log_on_success_and_failure_are_audited(client: Client) -> None:
    user = make_user()
    assert _login(client, user.username, "wrong-password-123") == 200
    assert _login(client, user.username, TEST_PASSWORD) == 302
    actions = list(
        AuditEntry.objects.filter(action__startswith="auth.").values_list("action", "actor_label")
    )
    assert actions == [
        (AuditAction.LOGIN_FAILED, user.username),
        (AuditAction.LOGIN_SUCCEEDED, user.username),
    ]


def test_account_locks_after_five_failures_even_for_the_right_password(client: Client) -> None:
    user = make_user()
    for _ in range(5):
        _login(client, user.username, "wrong-password-123")
    response = client.post(reverse("login"), {"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert b"Account locked" in response.content
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action=AuditAction.ACCOUNT_LOCKED).exists()


def test_four_failures_do_not_lock(client: Client) -> None:
    user = make_user()
    for _ in range(4):
        _login(client, user.username, "wrong-password-123")
    assert _login(client, user.username, TEST_PASSWORD) == 302


def test_session_ends_after_thirty_idle_minutes(client: Client) -> None:
    user = make_user()
    start = dt.datetime(2026, 11, 21, 9, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        client.force_login(user)
        assert client.get(reverse("case-list")).status_code == 200
        traveller.shift(dt.timedelta(minutes=29))
        assert client.get(reverse("case-list")).status_code == 200  # activity renews
        traveller.shift(dt.timedelta(minutes=31))
        response = client.get(reverse("case-list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_pages_carry_csp_and_framing_headers(client: Client) -> None:
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "script-src 'self'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Request-ID"]


@override_settings(EVENHAND_REQUIRE_OTP=True)
def test_staff_must_enrol_and_use_totp_when_required(client: Client) -> None:
    user = make_user()
    assert _login(client, user.username, TEST_PASSWORD) == 302
    response = client.get(reverse("case-list"))
    assert response.status_code == 302
    assert response["Location"] == reverse("otp-verify")
    assert client.get("/api/cases").status_code == 401
    client.get(reverse("otp-setup"))
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        wrong = client.post(reverse("otp-setup"), {"token": "000000"})
        assert wrong.status_code == 200
        assert b"did not match" in wrong.content
        # django-otp throttles after a failure; a real user would wait a few seconds too.
        traveller.shift(dt.timedelta(seconds=40))
        device.refresh_from_db()
        code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
        assert client.post(reverse("otp-setup"), {"token": code}).status_code == 302
        assert client.get(reverse("case-list")).status_code == 200


def test_api_tokens_store_only_a_hash_and_can_be_revoked() -> None:
    user = make_user()
    issued = api_token_create(actor=user, name="weekly export")
    assert issued.secret not in issued.token.token_hash
    assert user_for_api_token(issued.secret) == user
    assert user_for_api_token(issued.secret + "x") is None
    api_token_revoke(actor=user, token=issued.token)
    assert user_for_api_token(issued.secret) is None


def test_expired_tokens_stop_working() -> None:
    user = make_user()
    issued = api_token_create(
        actor=user, name="short", expires_at=timezone.now() + dt.timedelta(hours=1)
    )
    with time_machine.travel(timezone.now() + dt.timedelta(hours=2)):
        assert user_for_api_token(issued.secret) is None


def test_token_page_shows_a_new_secret_once(client: Client) -> None:
    client.force_login(make_user())
    response = client.post(reverse("api-tokens"), {"name": "script"})
    assert b'data-testid="new-token"' in response.content
    assert b'data-testid="new-token"' not in client.get(reverse("api-tokens")).content


def _run_with_production_settings(
    env: dict[str, str], *args: str
) -> subprocess.CompletedProcess[str]:
    base_env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL"}}
    return subprocess.run(
        [sys.executable, "-m", "evenhand.cli", *args],
        env={**base_env, "DJANGO_SETTINGS_MODULE": "evenhand.config.settings.production", **env},
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )


def test_production_refuses_to_start_without_secrets() -> None:
    result = _run_with_production_settings({}, "check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_settings_pass_the_deploy_check() -> None:
    result = _run_with_production_settings(
        {
            "SECRET_KEY": secrets.token_urlsafe(64),
            "DATABASE_URL": "postgres://evenhand@db.invalid:5432/evenhand",
            "ALLOWED_HOSTS": "evenhand.example.org",
        },
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert settings.SESSION_COOKIE_AGE == 30 * 60
