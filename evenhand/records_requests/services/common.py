"""What every step of a records request shares: the bound on an officer's note, how free text
is cleaned, the open request locked for a change, the period a requester class gets, and the
exemption and record lookups that both a record's review and its redactions need.

One definition each, so that intake, the response period, review, redaction, the response and
appeals refuse bad text and changes to a closed request in the same words.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

from evenhand.jurisdictions.ruleset import RulesetError

from ..models import RecordsRequest, ReviewedRecord
from ..rules import business_calendar, public_records_rules

__all__ = [
    "MAX_NOTE",
    "clean_text",
    "known_exemption_code",
    "open_request",
    "original_due",
    "record_for_update",
]

MAX_NOTE = 1000


def clean_text(value: str, field: str, *, limit: int, required: bool = False) -> str:
    cleaned = value.strip()
    if required and not cleaned:
        raise ValidationError({field: "This field is required."})
    if len(cleaned) > limit:
        raise ValidationError({field: f"At most {limit} characters (this has {len(cleaned)})."})
    if "\x00" in cleaned:
        raise ValidationError({field: "The text contains a NUL character."})
    return cleaned


def original_due(received_on: dt.date, requester_class: str) -> dt.date:
    """The due date before any extension: the class's business days after receipt."""
    days = public_records_rules().requester_class(requester_class).business_days
    return business_calendar().add_business_days(received_on, days).due


def open_request(request_id: int) -> RecordsRequest:
    """The request, locked for a change; refused once it is answered or withdrawn."""
    request = RecordsRequest.objects.select_for_update().filter(pk=request_id).first()
    if request is None:
        raise RecordsRequest.DoesNotExist("Records request not found.")
    if not request.is_open:
        raise ValidationError("This request has been answered or withdrawn; it is closed.")
    return request


def known_exemption_code(code: str, field: str) -> str:
    """The ruleset's code for an exemption, or a ValidationError on `field`."""
    try:
        return public_records_rules().exemption(code).code
    except RulesetError as exc:
        raise ValidationError({field: str(exc)}) from None


def record_for_update(record_id: int) -> ReviewedRecord:
    """A reviewed record, locked for a change, while its request is still open."""
    record = ReviewedRecord.objects.select_for_update().filter(pk=record_id).first()
    if record is None:
        raise ReviewedRecord.DoesNotExist("Record not found.")
    open_request(record.request_id)
    return record
