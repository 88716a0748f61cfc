"""What the dispositions services share: dates, stated reasons and the optimistic-lock
conflict."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from evenhand.cases.locking import VersionConflictError

__all__ = [
    "MAX_END_REASON_LENGTH",
    "MAX_REASON_LENGTH",
    "VersionConflictError",
    "bounded_reason",
    "bounded_text",
    "no_future",
    "required_reason",
    "today",
]

# As long as the other short free text here (a term's detail, a log entry's note).
MAX_REASON_LENGTH = 500
# Why an enrolment failed or was withdrawn: room to recount the violations behind it.
MAX_END_REASON_LENGTH = 1000


def today() -> dt.date:
    return timezone.localdate()


def no_future(value: dt.date, field: str) -> None:
    if value > today():
        raise ValidationError({field: "The date cannot be in the future."})


def bounded_text(text: str, *, field: str, limit: int, what: str) -> str:
    """Free text as it is stored and audited: trimmed, and no longer than `limit`.

    The forms and the API schemas bound the same text, but the CLI and the importers reach the
    services without them, so the service checks again, before anything is written."""
    trimmed = text.strip()
    if len(trimmed) > limit:
        raise ValidationError({field: f"Keep {what} to {limit} characters at most."})
    return trimmed


def bounded_reason(
    reason: str, *, field: str = "reason", limit: int = MAX_REASON_LENGTH, what: str = "the reason"
) -> str:
    """A reason as the audit entry records it: trimmed, and no longer than the bound."""
    return bounded_text(reason, field=field, limit=limit, what=what)


def required_reason(
    reason: str, *, ask: str, field: str = "reason", limit: int = MAX_REASON_LENGTH
) -> str:
    """A reason a change cannot be made without; `ask` is what the refusal says."""
    text = bounded_reason(reason, field=field, limit=limit)
    if not text:
        raise ValidationError({field: ask})
    return text
