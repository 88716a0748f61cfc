"""Intake: a request from the public form or entered by staff, numbered, with its due date.

The public form's submissions have no signed-in actor (`actor=None`); they are rate-limited by
a keyed hash of the client address and checked for the signs of automated spam before anything
is stored. A refused submission is itself recorded.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import asdict, dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from evenhand.accounts.models import User
from evenhand.audit.models import AuditAction, AuditOutcome
from evenhand.audit.services import audit_record

from ..models import Channel, Medium, RecordsRequest, RequesterClass, SubmissionAttempt
from ..policies import require_handler
from .common import MAX_NOTE, clean_text, original_due

MAX_DESCRIPTION = 10_000
MIN_DESCRIPTION = 10
MAX_NAME = 200
# A person takes longer than this to fill in the public form; scripts usually do not.
MIN_FILL_SECONDS = 3.0
MAX_FILL_SECONDS = 24 * 3600.0
SUBMISSIONS_PER_HOUR = 5
EARLIEST_RECEIVED = dt.date(2000, 1, 1)
SPAM_REFUSAL = (
    "Your request could not be accepted automatically. Please wait a moment and submit it "
    "again, or send it to the records officer by mail or e-mail."
)
RATE_REFUSAL = (
    "Too many requests have been submitted from your connection in the last hour. Please try "
    "again later, or send your request by mail or e-mail."
)


class SubmissionRefusedError(Exception):
    """The public form refused a submission (spam signs or the rate limit)."""


@dataclass(frozen=True)
class NewRequest:
    requester_name: str
    description: str
    requester_email: str = ""
    requester_phone: str = ""
    requester_address: str = ""
    requester_organisation: str = ""
    medium: str = Medium.ELECTRONIC


def client_digest(address: str) -> str:
    """A keyed hash of the client address: enough to rate-limit, useless to anyone else."""
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()


def _validated(new: NewRequest) -> NewRequest:
    description = clean_text(new.description, "description", limit=MAX_DESCRIPTION, required=True)
    if len(description) < MIN_DESCRIPTION:
        raise ValidationError(
            {"description": "Describe the records you want (at least a few words)."}
        )
    email = clean_text(new.requester_email, "requester_email", limit=254)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError({"requester_email": "Enter a valid e-mail address."}) from None
    if new.medium not in Medium.values:
        raise ValidationError({"medium": "Choose electronic or paper copies."})
    return NewRequest(
        requester_name=clean_text(
            new.requester_name, "requester_name", limit=MAX_NAME, required=True
        ),
        description=description,
        requester_email=email,
        requester_phone=clean_text(new.requester_phone, "requester_phone", limit=40),
        requester_address=clean_text(new.requester_address, "requester_address", limit=500),
        requester_organisation=clean_text(
            new.requester_organisation, "requester_organisation", limit=MAX_NAME
        ),
        medium=new.medium,
    )


def _check_received_on(received_on: dt.date) -> None:
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": "The received date cannot be in the future."})
    if received_on < EARLIEST_RECEIVED:
        raise ValidationError({"received_on": f"The received date is before {EARLIEST_RECEIVED}."})


def _create(
    *,
    actor: User | None,
    new: NewRequest,
    channel: Channel,
    received_on: dt.date,
    requester_class: RequesterClass,
    class_basis: str,
) -> RecordsRequest:
    token = secrets.token_urlsafe(32)
    request = RecordsRequest.objects.create(
        number=f"PENDING-{token[:20]}",
        tracking_token=token,
        channel=channel,
        received_on=received_on,
        entered_at=timezone.now(),
        entered_by=actor,
        requester_class=requester_class,
        class_basis=class_basis,
        original_due_on=original_due(received_on, requester_class),
        **asdict(new),
    )
    request.number = f"FOIA-{received_on.year}-{request.pk:05d}"
    request.save(update_fields=["number"])
    audit_record(
        actor=actor,
        action=AuditAction.RECORDS_REQUEST_RECEIVED,
        subject_type="records_request",
        subject_id=request.pk,
        after={
            "number": request.number,
            "channel": channel,
            "received_on": received_on,
            "requester_class": requester_class,
            "original_due_on": request.original_due_on,
        },
        actor_label=None if actor else "public form",
    )
    return request


def _refuse_submission(digest: str, reason: str) -> None:
    with transaction.atomic():
        SubmissionAttempt.objects.create(
            client_digest=digest, attempted_at=timezone.now(), accepted=False
        )
        audit_record(
            actor=None,
            actor_label="public form",
            action=AuditAction.RECORDS_SUBMISSION_REFUSED,
            outcome=AuditOutcome.REFUSED,
            subject_type="public_form",
            after={"reason": reason, "client": digest[:16]},
        )


def request_submit_public(
    *,
    actor: None = None,
    client: str,
    new: NewRequest,
    honeypot: str = "",
    seconds_to_fill: float | None = None,
) -> RecordsRequest:
    """A public request. Raises SubmissionRefusedError (recorded) for too many submissions an
    hour from the client and, from the web form, for a full honeypot or a form filled faster
    than a person could (`seconds_to_fill` None: not from the form, e.g. the API)."""
    digest = client_digest(client)
    since = timezone.now() - dt.timedelta(hours=1)
    recent = SubmissionAttempt.objects.filter(client_digest=digest, attempted_at__gte=since)
    if recent.count() >= SUBMISSIONS_PER_HOUR:
        _refuse_submission(digest, "rate_limit")
        raise SubmissionRefusedError(RATE_REFUSAL)
    too_fast_or_stale = seconds_to_fill is not None and not (
        MIN_FILL_SECONDS <= seconds_to_fill <= MAX_FILL_SECONDS
    )
    if honeypot.strip() or too_fast_or_stale:
        _refuse_submission(digest, "honeypot" if honeypot.strip() else "fill_time")
        raise SubmissionRefusedError(SPAM_REFUSAL)
    checked = _validated(new)
    with transaction.atomic():
        SubmissionAttempt.objects.create(
            client_digest=digest, attempted_at=timezone.now(), accepted=True
        )
        return _create(
            actor=actor,
            new=checked,
            channel=Channel.WEB,
            received_on=timezone.localdate(),
            requester_class=RequesterClass.STANDARD,
            class_basis="",
        )


@transaction.atomic
def request_receive(
    *,
    actor: User,
    new: NewRequest,
    channel: str,
    received_on: dt.date,
    requester_class: str = RequesterClass.STANDARD,
    class_basis: str = "",
) -> RecordsRequest:
    """Staff entry of a request received by mail, e-mail, phone or in person, with the date
    it was actually received (the deadline runs from then, not from data entry)."""
    require_handler(actor)
    if channel not in Channel.values or channel == Channel.WEB:
        raise ValidationError({"channel": "Choose how the request was received."})
    _check_received_on(received_on)
    if requester_class not in RequesterClass.values:
        raise ValidationError({"requester_class": "Unknown requester class."})
    basis = clean_text(class_basis, "class_basis", limit=MAX_NOTE)
    if requester_class != RequesterClass.STANDARD and not basis:
        raise ValidationError({"class_basis": "Say why the requester is commercial or recurrent."})
    return _create(
        actor=actor,
        new=_validated(new),
        channel=Channel(channel),
        received_on=received_on,
        requester_class=RequesterClass(requester_class),
        class_basis=basis,
    )
