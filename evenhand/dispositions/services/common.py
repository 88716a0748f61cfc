"""What the dispositions services share: dates, stated reasons and the optimistic-lock
conflict."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from evenhand.cases.locking import VersionConflictError

__all__ = [
    "MAX_REASON_LENGTH",
    "VersionConflictError",
    "bounded_reason",
    "no_future",
    "required_reason",
    "today",
]

# As long as the other short free text here (a term's detail, a log entry's note).
MAX_REASON_LENGTH = 500


def today() -> dt.date:
    return timezone.localdate()


def no_future(value: dt.date, field: str) -> None:
    if value > today():
        raise ValidationError({field: "The date cannot be in the future."})


def bounded_reason(reason: str) -> str:
    """A reason as the audit entry records it: trimmed, and no longer than the bound."""
    text = reason.strip()
    if len(text) > MAX_REASON_LENGTH:
        raise ValidationError(
            {"reason": f"Keep the reason to {MAX_REASON_LENGTH} characters at most."}
        )
    return text


def required_reason(reason: str, *, ask: str) -> str:
    """A reason a change cannot be made without; `ask` is what the refusal says."""
    text = bounded_reason(reason)
    if not text:
        raise ValidationError({"reason": ask})
    return text
