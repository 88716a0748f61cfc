"""Authentication events into the audit log (CJIS 5.4.1.1: successful and failed log-ons)."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest

from .models import AuditAction, AuditOutcome
from .services import audit_record


@receiver(user_logged_in)
def _logged_in(sender: object, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    with transaction.atomic():
        audit_record(
            actor=user,
            action=AuditAction.LOGIN_SUCCEEDED,
            subject_type="user",
            subject_id=user.pk,
        )


@receiver(user_logged_out)
def _logged_out(sender: object, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is None:
        return
    with transaction.atomic():
        audit_record(actor=user, action=AuditAction.LOGOUT, subject_type="user", subject_id=user.pk)


@receiver(user_login_failed)
def _login_failed(
    sender: object, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username", ""))[:150]
    with transaction.atomic():
        audit_record(
            actor=None,
            actor_label=username,
            action=AuditAction.LOGIN_FAILED,
            outcome=AuditOutcome.FAILED,
            subject_type="user",
            subject_id=username,
        )


@receiver(user_locked_out)
def _locked_out(
    sender: object, request: HttpRequest | None, username: str | None = None, **kwargs: Any
) -> None:
    with transaction.atomic():
        audit_record(
            actor=None,
            actor_label=(username or "")[:150],
            action=AuditAction.ACCOUNT_LOCKED,
            outcome=AuditOutcome.REFUSED,
            subject_type="user",
            subject_id=username or "",
        )
