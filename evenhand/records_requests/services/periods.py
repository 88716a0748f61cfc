"""The response period after intake: the requester's class (which sets the period), the one
statutory extension, a longer period agreed in writing, and the statuses an officer may set
while the clock keeps running.

The business-day arithmetic is the pure `records_requests.deadlines` module; these are the
audited writes that decide which due date applies.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from evenhand.accounts.models import User
from evenhand.audit.models import AuditAction
from evenhand.audit.services import audit_record
from evenhand.jurisdictions.ruleset import RulesetError

from ..models import RecordsRequest, RequesterClass, RequestStatus
from ..policies import require_handler
from ..rules import business_calendar, public_records_rules
from .common import MAX_NOTE, clean_text, open_request, original_due


@transaction.atomic
def request_classify(
    *, actor: User, request_id: int, requester_class: str, basis: str
) -> RecordsRequest:
    """Class a requester as the law defines (commercial, recurrent): the period changes."""
    require_handler(actor)
    request = open_request(request_id)
    if requester_class not in RequesterClass.values:
        raise ValidationError({"requester_class": "Unknown requester class."})
    if request.extended_due_on is not None:
        raise ValidationError("The deadline was already extended; the class cannot change now.")
    basis = clean_text(basis, "basis", limit=MAX_NOTE)
    if requester_class != RequesterClass.STANDARD and not basis:
        raise ValidationError({"basis": "Say why the requester is commercial or recurrent."})
    before = {"requester_class": request.requester_class, "due_on": request.original_due_on}
    request.requester_class = requester_class
    request.class_basis = basis
    request.original_due_on = original_due(request.received_on, requester_class)
    request.save(update_fields=["requester_class", "class_basis", "original_due_on"])
    audit_record(
        actor=actor,
        action=AuditAction.RECORDS_REQUEST_CLASSIFIED,
        subject_type="records_request",
        subject_id=request.pk,
        before=before,
        after={
            "requester_class": requester_class,
            "due_on": request.original_due_on,
            "basis": basis,
        },
    )
    return request


@transaction.atomic
def request_extend(
    *, actor: User, request_id: int, reason: str, facts: str, notice_sent_on: dt.date
) -> RecordsRequest:
    """The one statutory extension: a listed reason, written notice within the original period."""
    require_handler(actor)
    rules = public_records_rules()
    request = open_request(request_id)
    try:
        extension = rules.extension_reason(reason)
    except RulesetError as exc:
        raise ValidationError({"reason": str(exc)}) from None
    if not rules.requester_class(request.requester_class).extension_allowed:
        raise ValidationError("This class of request has its own longer period and no extension.")
    if request.extended_due_on is not None:
        raise ValidationError("The deadline has already been extended once; the law allows one.")
    if notice_sent_on > timezone.localdate() or notice_sent_on < request.received_on:
        raise ValidationError(
            {"notice_sent_on": "The notice date must be between receipt and today."}
        )
    if notice_sent_on > request.original_due_on:
        raise ValidationError(
            {
                "notice_sent_on": (
                    "Notice of an extension must be sent within the original period "
                    f"(by {request.original_due_on:%Y-%m-%d}); it is too late to extend."
                )
            }
        )
    facts = clean_text(facts, "facts", limit=MAX_NOTE, required=True)
    request.extension_reason = extension.code
    request.extension_facts = facts
    request.extension_notice_on = notice_sent_on
    request.extended_due_on = (
        business_calendar()
        .add_business_days(request.original_due_on, rules.extension_business_days)
        .due
    )
    request.status = RequestStatus.EXTENDED
    request.save(
        update_fields=[
            "extension_reason",
            "extension_facts",
            "extension_notice_on",
            "extended_due_on",
            "status",
        ]
    )
    audit_record(
        actor=actor,
        action=AuditAction.RECORDS_REQUEST_EXTENDED,
        subject_type="records_request",
        subject_id=request.pk,
        before={"due_on": request.original_due_on},
        after={
            "due_on": request.extended_due_on,
            "reason": extension.code,
            "citation": extension.citation,
            "notice_sent_on": notice_sent_on,
        },
    )
    return request


@transaction.atomic
def request_agree_extension(
    *, actor: User, request_id: int, agreed_due_on: dt.date, agreement: str
) -> RecordsRequest:
    """A longer period the requester agreed to in writing."""
    require_handler(actor)
    request = open_request(request_id)
    agreement = clean_text(agreement, "agreement", limit=MAX_NOTE, required=True)
    if agreed_due_on <= request.due_on:
        msg = f"An agreed date must be after the current due date ({request.due_on})."
        raise ValidationError({"agreed_due_on": msg})
    if not business_calendar().is_business_day(agreed_due_on):
        raise ValidationError({"agreed_due_on": "The agreed date must be a business day."})
    before = {"due_on": request.due_on}
    request.agreed_due_on = agreed_due_on
    request.agreement_note = agreement
    request.status = RequestStatus.EXTENDED
    request.save(update_fields=["agreed_due_on", "agreement_note", "status"])
    audit_record(
        actor=actor,
        action=AuditAction.RECORDS_REQUEST_EXTENDED,
        subject_type="records_request",
        subject_id=request.pk,
        before=before,
        after={"due_on": agreed_due_on, "agreed_in_writing": agreement},
    )
    return request


SETTABLE_STATUSES = frozenset(
    {
        RequestStatus.OPEN,
        RequestStatus.WAITING_FOR_REQUESTER,
        RequestStatus.PARTIALLY_FULFILLED,
        RequestStatus.WITHDRAWN,
    }
)


@transaction.atomic
def request_set_status(*, actor: User, request_id: int, status: str, note: str) -> RecordsRequest:
    """Waiting for the requester, partly fulfilled, back to open, or withdrawn. The statutory
    clock is not paused by waiting: the due date stays as computed."""
    require_handler(actor)
    request = open_request(request_id)
    if status not in SETTABLE_STATUSES:
        raise ValidationError({"status": "That status is set by answering the request."})
    note = clean_text(note, "note", limit=MAX_NOTE, required=True)
    before = {"status": request.status}
    if status == RequestStatus.OPEN and request.extended_due_on is not None:
        status = RequestStatus.EXTENDED
    request.status = status
    request.status_note = note
    request.save(update_fields=["status", "status_note"])
    audit_record(
        actor=actor,
        action=AuditAction.RECORDS_REQUEST_STATUS_CHANGED,
        subject_type="records_request",
        subject_id=request.pk,
        before=before,
        after={"status": status, "note": note},
    )
    return request
