"""Screens (ethical walls) and conflict flags.

A screen is in force from `starts_at` until `ends_at` or until it is lifted. Rows are written
only by `evenhand.screening.services`; the policy reads them on every request, so a change
takes effect on the very next one.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from evenhand.cases.models import Case, Person


class ScreenKind(models.TextChoices):
    EXCLUSIONARY = "exclusionary", "Exclusionary: the named people may not touch the cases"
    NEED_TO_KNOW = "need_to_know", "Need to know: only the named people may touch the cases"


class Screen(models.Model):
    kind = models.CharField(max_length=16, choices=ScreenKind.choices)
    reason = models.TextField()
    memo = models.TextField(help_text="What the screened people are told; they acknowledge it.")
    ordered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="screens_ordered"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    # Extra words or phrases (beyond case numbers and participant names) that must not pass
    # between a screened person and anyone else.
    screened_terms = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField()
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="screens_lifted",
    )
    lift_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="screen_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"Screen #{self.pk} ({self.get_kind_display()})"


def screens_in_force(at: datetime | None = None, prefix: str = "") -> Q:
    """Q for the screens in force at a moment (default: now); `prefix` reaches them through a
    relation, e.g. "screen__" from ScreenedCase."""
    moment = at or timezone.now()
    return (
        Q(**{f"{prefix}starts_at__lte": moment})
        & (Q(**{f"{prefix}ends_at__isnull": True}) | Q(**{f"{prefix}ends_at__gt": moment}))
        & (Q(**{f"{prefix}lifted_at__isnull": True}) | Q(**{f"{prefix}lifted_at__gt": moment}))
    )


class ScreenedPerson(models.Model):
    screen = models.ForeignKey(Screen, on_delete=models.PROTECT, related_name="people")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="screenings"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["screen", "user"], name="screened_person_once"),
        ]
        indexes = [models.Index(fields=["user", "screen"], name="screened_user_screen")]

    def __str__(self) -> str:
        return f"{self.user} on screen {self.screen_id}"


class ScreenedCase(models.Model):
    screen = models.ForeignKey(Screen, on_delete=models.PROTECT, related_name="cases")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="screenings")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["screen", "case"], name="screened_case_once"),
        ]
        indexes = [models.Index(fields=["case", "screen"], name="screened_case_screen")]

    def __str__(self) -> str:
        return f"case {self.case_id} on screen {self.screen_id}"


class ConflictSource(models.TextChoices):
    CONTACT = "contact", "Logged contact"
    PARTICIPANT = "participant", "Participant change"
    RELATIONSHIP = "relationship", "Relationship change"
    MANUAL = "manual", "Conflict check run by hand"


class ConflictStatus(models.TextChoices):
    OPEN = "open", "Open: awaiting the staff member's decision"
    RECUSED = "recused", "Resolved: recused (screen raised)"
    CLEARED = "cleared", "Resolved: no recusal, reason recorded"


class ConflictFlag(models.Model):
    """A potential conflict of one staff member on one case, because of one person."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="conflict_flags")
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="conflict_flags"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    basis = models.TextField()
    source = models.CharField(max_length=16, choices=ConflictSource.choices)
    status = models.CharField(
        max_length=16, choices=ConflictStatus.choices, default=ConflictStatus.OPEN
    )
    created_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolution_note = models.TextField(blank=True)
    screen = models.ForeignKey(
        Screen, on_delete=models.PROTECT, null=True, blank=True, related_name="conflict_flags"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "staff", "person"], name="one_flag_per_case_staff_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff} / case {self.case_id}: {self.get_status_display()}"
