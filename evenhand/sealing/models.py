"""Court orders that seal, expunge or unseal a case, and court-ordered access to a sealed case.

Sealed does not mean deleted: the records stay, hidden from public and records-request output
and from every role without standing under the ruleset's sealing section. Every order carries
its effective moment, so "was this case sealed at T" has an answer for any T (the oversight
report of who could open a case at a date, and records-request deadlines, need history). Rows
are written only by `evenhand.sealing.services`; nothing is ever deleted or rewritten except
the revocation fields of an access grant.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from evenhand.cases.models import Case


class SealingKind(models.TextChoices):
    IMMEDIATE = "immediate", "Immediate sealing at disposition"
    SEALING = "sealing", "Sealing order on a later petition"
    EXPUNGEMENT = "expungement", "Expungement order"


class CourtOrderRecord(models.Model):
    """What every order here records: which court, which judge, when, and the order itself."""

    court = models.CharField(max_length=200)
    judge = models.CharField(max_length=200)
    order_date = models.DateField()
    order_reference = models.CharField(max_length=120)
    document_name = models.CharField(max_length=200, blank=True)
    document_type = models.CharField(max_length=100, blank=True)
    document = models.BinaryField(blank=True, default=b"")
    document_sha256 = models.CharField(max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        abstract = True


class SealingOrder(CourtOrderRecord):
    """A sealing or expungement order; in force from `effective_at` until an unsealing."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="sealing_orders")
    kind = models.CharField(max_length=16, choices=SealingKind.choices)
    effective_at = models.DateTimeField()

    class Meta:
        ordering = ["-effective_at", "-id"]
        indexes = [models.Index(fields=["case", "effective_at"], name="sealing_case_effective")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.order_reference} (case {self.case_id})"


class UnsealingOrder(CourtOrderRecord):
    """Ends one sealing order from `effective_at` on."""

    sealing = models.OneToOneField(SealingOrder, on_delete=models.PROTECT, related_name="unsealing")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="unsealing_orders")
    effective_at = models.DateTimeField()

    class Meta:
        ordering = ["-effective_at", "-id"]

    def __str__(self) -> str:
        return f"Unsealing {self.order_reference} (case {self.case_id})"


class AccessGrant(CourtOrderRecord):
    """A court's order letting one named person read a sealed case (e.g. the inspector general)
    for a period; it can be revoked (recorded, never deleted)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="sealed_access_grants")
    grantee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sealed_access_grants"
    )
    scope = models.TextField(help_text="What the order allows, in its own words.")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    revoke_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["grantee", "case"], name="sealed_grant_grantee_case")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="sealed_grant_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"Access for {self.grantee} to case {self.case_id} ({self.order_reference})"
