"""Police referrals, felony review and charging decisions.

Rows are written only by `evenhand.charging.services`. A charging decision keeps the
consistency verdict exactly as it stood when the decision was made (the history it was compared
with may change later), and the written rationale when the verdict required one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from evenhand.cases.models import Case, Charge, Participant


class Referral(models.Model):
    """A report referred by a police agency: how a case reaches the office."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="referrals")
    agency = models.CharField(max_length=200)
    officer_name = models.CharField(max_length=200, blank=True)
    report_number = models.CharField(max_length=64, blank=True)
    received_on = models.DateField()
    summary = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return f"Referral from {self.agency} ({self.received_on})"


class ReviewResult(models.TextChoices):
    APPROVED = "approved", "Approved: felony charges may be filed"
    REJECTED = "rejected", "Rejected: no felony charges"
    CONTINUED_INVESTIGATION = "continued_investigation", "Continue investigation"


class FelonyReview(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="felony_reviews")
    result = models.CharField(max_length=32, choices=ReviewResult.choices)
    reasons = models.TextField()
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField()

    class Meta:
        ordering = ["-reviewed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_result_display()} ({self.reviewed_at:%Y-%m-%d})"


class ChargingDecision(models.Model):
    """Counts of one statute filed against one defendant, with the comparison made at the time."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="charging_decisions")
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="charging_decisions"
    )
    statute_key = models.CharField(max_length=64)
    citation = models.CharField(max_length=100)
    offense_class = models.CharField(max_length=4)
    counts = models.PositiveIntegerField()
    # The participant's count total in the statute's section after this decision: what was
    # compared with history.
    count_total = models.PositiveIntegerField()
    filed_on = models.DateField()
    charges = models.ManyToManyField(Charge, related_name="charging_decisions")
    # The consistency verdict as it stood at decision time.
    percentile = models.FloatField(null=True, blank=True)
    comparison_group = models.CharField(max_length=32, blank=True)
    comparison = models.JSONField(default=dict, blank=True)
    releases = models.JSONField(default=list, blank=True)
    threshold = models.FloatField()
    rationale_required = models.BooleanField(default=False)
    rationale = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(rationale_required=True, rationale=""),
                name="charging_rationale_when_required",
            ),
            models.CheckConstraint(condition=models.Q(counts__gte=1), name="decision_counts"),
        ]

    def __str__(self) -> str:
        return f"{self.counts} count(s) of {self.citation} ({self.filed_on})"
