"""Opening a case, with its number, and changing its title, summary and status."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models.functions import Length
from django.utils import timezone

from evenhand.accounts.models import User
from evenhand.audit.models import AuditAction
from evenhand.audit.services import audit_record
from evenhand.screening.policies import CaseAction, access_case, may_open_cases

from ..models import Case, CaseStatus
from .common import snapshot

_CASE_NUMBER_LOCK_KEY = 0x65766E68_63617365
_CASE_FIELDS = ("number", "title", "status", "received_on", "summary")


def _next_case_number(received_on: dt.date) -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CASE_NUMBER_LOCK_KEY])
    prefix = f"{received_on.year}-CR-"
    # Only numbers of the automatic form count, longest first so that 1000000 follows 999999
    # and a hand-entered number with another tail cannot reset the serial.
    last = (
        Case.objects.filter(number__regex=rf"^{prefix}[0-9]+$")
        .order_by(Length("number").desc(), "-number")
        .values_list("number", flat=True)
        .first()
    )
    serial = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{serial:06d}"


def case_open(
    *,
    actor: User,
    title: str,
    received_on: dt.date,
    summary: str = "",
    number: str = "",
) -> Case:
    if not may_open_cases(actor):
        raise PermissionDenied("Your role may not open cases.")
    with transaction.atomic():
        now = timezone.now()
        case = Case(
            number=number.strip() or _next_case_number(received_on),
            title=title.strip(),
            received_on=received_on,
            summary=summary,
            status=CaseStatus.INTAKE,
            created_at=now,
            updated_at=now,
        )
        case.full_clean()
        case.save(force_insert=True)
        audit_record(
            actor=actor,
            action=AuditAction.CASE_OPENED,
            subject_type="case",
            subject_id=case.pk,
            case_id=case.pk,
            after=snapshot(case, _CASE_FIELDS),
        )
        return case


def case_update(
    *,
    actor: User,
    case_id: int,
    title: str | None = None,
    summary: str | None = None,
    status: CaseStatus | None = None,
) -> Case:
    case = access_case(actor, case_id, CaseAction.EDIT, log_read=False)
    with transaction.atomic():
        before = snapshot(case, _CASE_FIELDS)
        changed: list[str] = []
        for name, value in (("title", title), ("summary", summary), ("status", status)):
            if value is not None and getattr(case, name) != value:
                setattr(case, name, value)
                changed.append(name)
        if not changed:
            return case
        case.updated_at = timezone.now()
        case.full_clean()
        case.save(update_fields=[*changed, "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.CASE_UPDATED,
            subject_type="case",
            subject_id=case.pk,
            case_id=case.pk,
            before=before,
            after=snapshot(case, _CASE_FIELDS),
        )
        return case
