"""What the dispositions services share: dates and the optimistic-lock conflict."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from evenhand.cases.locking import VersionConflictError

__all__ = ["VersionConflictError", "no_future", "today"]


def today() -> dt.date:
    return timezone.localdate()


def no_future(value: dt.date, field: str) -> None:
    if value > today():
        raise ValidationError({field: "The date cannot be in the future."})
