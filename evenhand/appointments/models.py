"""Petitions to the court for a special prosecutor, and the orders that appoint one."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from evenhand.cases.models import Case


class PetitionGround(models.TextChoices):
    SICK = "sick", "The State's Attorney is sick"
    ABSENT = "absent", "The State's Attorney is absent"
    UNABLE = "unable", "The State's Attorney is unable to fulfil the duties of the office"
    ACTUAL_CONFLICT = "actual_conflict", "Actual conflict of interest"
    SA_SELF_PETITION = "sa_self_petition", "The State's Attorney petitions to recuse"


class PetitionStatus(models.TextChoices):
    DRAFTED = "drafted", "Drafted"
    GRANTED = "granted", "Granted: special prosecutor appointed"


class AppointeeSource(models.TextChoices):
    ATTORNEY_GENERAL = "attorney_general", "Attorney General"
    APPELLATE_PROSECUTOR = (
        "states_attorneys_appellate_prosecutor",
        "State's Attorneys Appellate Prosecutor",
    )
    OTHER_STATES_ATTORNEY = "other_states_attorney", "Another State's Attorney"
    PRIVATE_COUNSEL = "private_counsel", "Private counsel"


class Petition(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="petitions")
    ground = models.CharField(max_length=32, choices=PetitionGround.choices)
    facts = models.TextField()
    statutory_basis = models.CharField(max_length=100)
    status = models.CharField(
        max_length=16, choices=PetitionStatus.choices, default=PetitionStatus.DRAFTED
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    drafted_at = models.DateTimeField()

    class Meta:
        ordering = ["-drafted_at", "-id"]

    def __str__(self) -> str:
        return f"Petition #{self.pk} in case {self.case_id} ({self.get_ground_display()})"


class CourtOrder(models.Model):
    petition = models.OneToOneField(Petition, on_delete=models.PROTECT, related_name="order")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="court_orders")
    judge = models.CharField(max_length=200)
    order_date = models.DateField()
    appointee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments"
    )
    appointee_source = models.CharField(max_length=48, choices=AppointeeSource.choices)
    scope = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-order_date", "-id"]

    def __str__(self) -> str:
        return f"Order of {self.order_date:%Y-%m-%d} by {self.judge}"
