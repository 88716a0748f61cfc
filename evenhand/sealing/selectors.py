"""Reads of sealing state.

`sealed_case_ids` and `is_sealed` are the interface the public and records paths use to drop
sealed cases; they answer for any moment (default: now) and reveal nothing but case ids.
Reads of orders and grants for a case go through the access policy (`access_case`).
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from .models import AccessGrant, SealingOrder, UnsealingOrder


def sealings_in_force(at: datetime | None = None) -> QuerySet[SealingOrder]:
    """Sealing and expungement orders in force at `at` (default: now)."""
    moment = at or timezone.now()
    return SealingOrder.objects.filter(effective_at__lte=moment).filter(
        Q(unsealing__isnull=True) | Q(unsealing__effective_at__gt=moment)
    )


def sealed_case_ids(*, at: datetime | None = None) -> QuerySet[SealingOrder, int]:
    """Flat ids of the cases sealed at `at` (default: now).

    Usable as `cases.exclude(id__in=sealed_case_ids())`, or correlated as
    `Exists(sealed_case_ids().filter(case_id=OuterRef("pk")))`.
    """
    return sealings_in_force(at).values_list("case_id", flat=True)


def is_sealed(case_id: int, *, at: datetime | None = None) -> bool:
    return sealings_in_force(at).filter(case_id=case_id).exists()


def grants_in_force(at: datetime | None = None) -> QuerySet[AccessGrant]:
    """Court-ordered access grants in force at `at` (default: now)."""
    moment = at or timezone.now()
    return AccessGrant.objects.filter(starts_at__lte=moment).filter(
        (Q(ends_at__isnull=True) | Q(ends_at__gt=moment))
        & (Q(revoked_at__isnull=True) | Q(revoked_at__gt=moment))
    )


def sealed_exists(at: datetime | None = None, *, case_ref: str = "pk") -> Exists:
    """Correlated EXISTS: the outer row's case (`case_ref`) is sealed at `at`."""
    return Exists(sealings_in_force(at).filter(case_id=OuterRef(case_ref)))


def granted_exists(
    user_id: int | None, at: datetime | None = None, *, case_ref: str = "pk"
) -> Exists:
    """Correlated EXISTS: `user_id` holds a court-ordered grant on the outer row's case at `at`."""
    return Exists(grants_in_force(at).filter(case_id=OuterRef(case_ref), grantee_id=user_id))


def sealing_orders_for_case(case_id: int) -> QuerySet[SealingOrder]:
    """A case's sealing and expungement orders, newest first, documents left unread.

    Callers must have passed the policy for the case first.
    """
    return (
        SealingOrder.objects.filter(case_id=case_id)
        .select_related("unsealing", "recorded_by", "unsealing__recorded_by")
        .defer("document", "unsealing__document")
    )


def unsealing_orders_for_case(case_id: int) -> QuerySet[UnsealingOrder]:
    return UnsealingOrder.objects.filter(case_id=case_id).defer("document")


def access_grants_for_case(case_id: int) -> QuerySet[AccessGrant]:
    return (
        AccessGrant.objects.filter(case_id=case_id)
        .select_related("grantee", "recorded_by", "revoked_by")
        .defer("document")
    )
