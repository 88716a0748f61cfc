"""Writes to staff accounts and API tokens. Each one audited in its own transaction."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from evenhand.audit.models import AuditAction
from evenhand.audit.services import audit_record

from .models import ApiToken, Role, User

TOKEN_PREFIX = "evh_"  # noqa: S105  (a public marker that makes leaked tokens greppable)


def _user_snapshot(user: User) -> dict[str, object]:
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "role": user.role,
        "title": user.title,
        "is_active": user.is_active,
    }


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    role: Role,
    first_name: str = "",
    last_name: str = "",
    title: str = "",
    email: str = "",
) -> User:
    user = User(
        username=username,
        role=role,
        first_name=first_name,
        last_name=last_name,
        title=title,
        email=email,
    )
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save(force_insert=True)
    audit_record(
        actor=actor,
        action=AuditAction.USER_CREATED,
        subject_type="user",
        subject_id=user.pk,
        after=_user_snapshot(user),
    )
    return user


@transaction.atomic
def user_set_password(*, actor: User | None, user: User, password: str) -> None:
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(
        actor=actor,
        action=AuditAction.PASSWORD_CHANGED,
        subject_type="user",
        subject_id=user.pk,
    )


@transaction.atomic
def user_set_active(*, actor: User, user: User, is_active: bool) -> None:
    before = _user_snapshot(user)
    user.is_active = is_active
    user.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        action=AuditAction.USER_UPDATED,
        subject_type="user",
        subject_id=user.pk,
        before=before,
        after=_user_snapshot(user),
    )


def _hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once, never stored


@transaction.atomic
def api_token_create(*, actor: User, name: str, expires_at: datetime | None = None) -> IssuedToken:
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the token a name so you can recognise it later."})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": "The expiry must be in the future."})
    prefix = secrets.token_hex(4)
    secret = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken(
        user=actor,
        name=name[:100],
        prefix=prefix,
        token_hash=_hash_token(secret),
        created_at=timezone.now(),
        expires_at=expires_at,
    )
    token.full_clean()
    token.save(force_insert=True)
    audit_record(
        actor=actor,
        action=AuditAction.API_TOKEN_CREATED,
        subject_type="api_token",
        subject_id=token.pk,
        after={"name": token.name, "prefix": prefix, "expires_at": expires_at},
    )
    return IssuedToken(token=token, secret=secret)


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> None:
    if token.user_id != actor.pk:
        raise ValidationError("You can revoke only your own tokens.")
    if token.revoked_at is not None:
        return
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        action=AuditAction.API_TOKEN_REVOKED,
        subject_type="api_token",
        subject_id=token.pk,
        after={"prefix": token.prefix},
    )


def user_for_api_token(secret: str) -> User | None:
    """The active user behind a live token, or None. Constant-time on the stored hash."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=_hash_token(secret), revoked_at__isnull=True)
        .first()
    )
    if token is None or not secrets.compare_digest(token.token_hash, _hash_token(secret)):
        return None
    if token.expires_at is not None and token.expires_at <= timezone.now():
        return None
    return token.user if token.user.is_active else None


@transaction.atomic
def totp_device_create(*, actor: User) -> TOTPDevice:
    """An unconfirmed TOTP device; it counts only after `totp_device_confirm`."""
    TOTPDevice.objects.filter(user=actor, confirmed=False).delete()
    device = TOTPDevice.objects.create(user=actor, name="authenticator", confirmed=False)
    audit_record(
        actor=actor,
        action=AuditAction.USER_UPDATED,
        subject_type="totp_device",
        subject_id=device.pk,
        after={"state": "enrolment started"},
    )
    return device


@transaction.atomic
def totp_device_confirm(*, actor: User, device: TOTPDevice, token: str) -> bool:
    if device.user_id != actor.pk or not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(
        actor=actor,
        action=AuditAction.USER_UPDATED,
        subject_type="totp_device",
        subject_id=device.pk,
        after={"state": "confirmed"},
    )
    return True
