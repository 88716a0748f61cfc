"""What the dispositions services share: dates, stated reasons and the optimistic-lock
conflict."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from evenhand.cases.locking import VersionConflictError

__all__ = [
    "MAX_END_REASON_LENGTH",
    "MAX_OVERRIDE_REASON_LENGTH",
    "MAX_REASON_LENGTH",
    "MAX_SHORT_TEXT_LENGTH",
    "MAX_TEXT_LENGTH",
    "VersionConflictError",
    "bounded_reason",
    "bounded_text",
    "no_future",
    "required_reason",
    "today",
]

# The bounds of the free text the services take. The forms and the API schemas import them, so
# the edge refuses what the service would and the OpenAPI document states the same numbers.

# Short free text kept in a 500-character column: a term's detail, a log entry's note, a
# same-conduct link's note.
MAX_SHORT_TEXT_LENGTH = 500
# A stated reason (a correction, a moved due date, a waiver) and a completion note: as long as
# the other short free text.
MAX_REASON_LENGTH = MAX_SHORT_TEXT_LENGTH
# Why an enrolment failed or was withdrawn: room to recount the violations behind it.
MAX_END_REASON_LENGTH = 1000
# A disposition's conditions and note, and the record check made outside the office: room for a
# court's list of conditions or a criminal-history summary (the API's bound for them from the
# start).
MAX_TEXT_LENGTH = 2000
# Why charges are filed despite the re-prosecution bar: a charging rationale, so as long as the
# charging decision's own (charging.services.MAX_RATIONALE), whose form and API pass the same
# text on to `charges_file_checked`.
MAX_OVERRIDE_REASON_LENGTH = 10_000


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
