"""What the dispositions services share: dates and the optimistic-lock conflict."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone


class VersionConflictError(Exception):
    """Someone else changed the row since it was read; nothing was saved."""

    def __init__(self, what: str) -> None:
        super().__init__(
            f"This {what} was changed by someone else since you opened it. Nothing was saved: "
            "reload to see the current version and try again."
        )


def today() -> dt.date:
    return timezone.localdate()


def no_future(value: dt.date, field: str) -> None:
    if value > today():
        raise ValidationError({field: "The date cannot be in the future."})
