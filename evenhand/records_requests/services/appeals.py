"""Appeals of an answer: a review by the Public Access Counselor or a suit, with the office's
own deadlines when the PAC asks for the records, and the appeal's close.

An appeal may follow a closed request (that is when it is filed), so these lock the request
or appeal directly rather than through `open_request`.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from evenhand.accounts.models import User
from evenhand.audit.models import AuditAction
from evenhand.audit.services import audit_record

from ..models import Appeal, AppealKind, RecordsRequest
from ..policies import require_handler
from ..rules import business_calendar, public_records_rules
from .common import MAX_NOTE, clean_text


@transaction.atomic
def appeal_record(
    *,
    actor: User,
    request_id: int,
    kind: str,
    filed_on: dt.date,
    notice_received_on: dt.date,
    reference: str = "",
) -> Appeal:
    """A PAC review or a suit, with the office's deadlines when the PAC asks for the records."""
    require_handler(actor)
    rules = public_records_rules()
    request = RecordsRequest.objects.select_for_update().filter(pk=request_id).first()
    if request is None:
        raise RecordsRequest.DoesNotExist("Records request not found.")
    if kind not in AppealKind.values:
        raise ValidationError({"kind": "Choose a PAC review or judicial review."})
    today = timezone.localdate()
    if filed_on > today or notice_received_on > today or notice_received_on < filed_on:
        raise ValidationError(
            {"notice_received_on": "Dates must be in the past, notice on or after filing."}
        )
    # No answer by the due date counts as a denial from that day.
    denied_on = request.responded_on or request.due_on
    if kind == AppealKind.PAC_REVIEW and filed_on > denied_on + dt.timedelta(
        days=rules.pac_request_window_days
    ):
        raise ValidationError(
            {
                "filed_on": (
                    f"A PAC review must be requested within {rules.pac_request_window_days} days "
                    f"of the denial ({rules.pac_request_window_citation})."
                )
            }
        )
    calendar = business_calendar()
    pac = kind == AppealKind.PAC_REVIEW
    appeal = Appeal.objects.create(
        request=request,
        kind=kind,
        reference=clean_text(reference, "reference", limit=100),
        filed_on=filed_on,
        notice_received_on=notice_received_on,
        records_due_on=calendar.add_business_days(
            notice_received_on, rules.pac_records_business_days
        ).due
        if pac
        else None,
        answer_due_on=calendar.add_business_days(
            notice_received_on, rules.pac_answer_business_days
        ).due
        if pac
        else None,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditAction.RECORDS_APPEAL_RECORDED,
        subject_type="records_request",
        subject_id=request.pk,
        after={
            "appeal": appeal.pk,
            "kind": kind,
            "filed_on": filed_on,
            "records_due_on": appeal.records_due_on,
            "answer_due_on": appeal.answer_due_on,
        },
    )
    return appeal


@transaction.atomic
def appeal_close(*, actor: User, appeal_id: int, closed_on: dt.date, outcome: str) -> Appeal:
    require_handler(actor)
    appeal = Appeal.objects.select_for_update().filter(pk=appeal_id).first()
    if appeal is None:
        raise Appeal.DoesNotExist("Appeal not found.")
    if appeal.closed_on is not None:
        raise ValidationError("This appeal is already closed.")
    if closed_on > timezone.localdate() or closed_on < appeal.filed_on:
        raise ValidationError({"closed_on": "The closing date must be between filing and today."})
    appeal.closed_on = closed_on
    appeal.outcome = clean_text(outcome, "outcome", limit=MAX_NOTE, required=True)
    appeal.save(update_fields=["closed_on", "outcome"])
    audit_record(
        actor=actor,
        action=AuditAction.RECORDS_APPEAL_CLOSED,
        subject_type="records_request",
        subject_id=appeal.request_id,
        after={"appeal": appeal.pk, "closed_on": closed_on, "outcome": appeal.outcome},
    )
    return appeal
