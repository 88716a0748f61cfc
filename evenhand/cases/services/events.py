"""A case's timeline: the event row every case change writes, and events recorded by hand."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from evenhand.accounts.models import User
from evenhand.audit.models import AuditAction
from evenhand.audit.services import audit_record
from evenhand.screening.policies import CaseAction, access_case

from ..models import Case, CaseEvent, CaseEventKind


def record_event(
    *, actor: User, case: Case, kind: CaseEventKind, summary: str, occurred_at: dt.datetime
) -> CaseEvent:
    """Write the timeline row inside the caller's transaction; the caller has checked the
    policy and writes the audit entry."""
    event = CaseEvent(
        case=case,
        kind=kind,
        occurred_at=occurred_at,
        summary=summary,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    event.full_clean()
    event.save(force_insert=True)
    return event


def case_event_record(
    *,
    actor: User,
    case_id: int,
    kind: CaseEventKind,
    occurred_at: dt.datetime,
    summary: str,
) -> CaseEvent:
    case = access_case(actor, case_id, CaseAction.EDIT, log_read=False)
    if kind in {CaseEventKind.CHARGE_FILED, CaseEventKind.CHARGE_AMENDED}:
        raise ValidationError({"kind": "Charge events are recorded by filing or amending charges."})
    if not summary.strip():
        raise ValidationError({"summary": "Describe the event."})
    with transaction.atomic():
        event = record_event(
            actor=actor, case=case, kind=kind, summary=summary.strip(), occurred_at=occurred_at
        )
        audit_record(
            actor=actor,
            action=AuditAction.CASE_EVENT_RECORDED,
            subject_type="case_event",
            subject_id=event.pk,
            case_id=case.pk,
            after={"kind": kind, "occurred_at": occurred_at, "summary": event.summary},
        )
        return event
