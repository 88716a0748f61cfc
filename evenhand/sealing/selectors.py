"""Reads of sealing state.

`sealed_case_ids` and `is_sealed` are the interface the public and records paths use to drop
sealed cases; they answer for any moment (default: now) and reveal nothing but case ids.
Reads of orders and grants for a case go through the access policy (`access_case`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from evenhand.audit.models import AuditAction, AuditEntry
from evenhand.jurisdictions.ruleset import SealingRules, active_ruleset

from .models import AccessGrant, CourtOrderRecord, SealingOrder, UnsealingOrder

if TYPE_CHECKING:
    from evenhand.accounts.models import User
    from evenhand.cases.models import Case


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


@dataclass(frozen=True)
class SealingOverview:
    case: Case
    sealed: bool
    orders: list[SealingOrder]
    grants: list[AccessGrant]
    rules: SealingRules | None


def case_sealing_overview(*, user: User, case_id: object) -> SealingOverview:
    """A case's orders and grants; opening it is a read of the case (a reason if sealed)."""
    # Imported here: the policy imports this module for `sealed_case_ids`.
    from evenhand.screening.policies import CaseAction, access_case  # noqa: PLC0415

    case = access_case(user, case_id, CaseAction.VIEW)
    return SealingOverview(
        case=case,
        sealed=is_sealed(case.pk),
        orders=list(sealing_orders_for_case(case.pk)),
        grants=list(access_grants_for_case(case.pk)),
        rules=active_ruleset().sealing,
    )


def active_user_by_username(username: str) -> User | None:
    from evenhand.accounts.models import User  # noqa: PLC0415

    return User.objects.filter(username=username.strip(), is_active=True).first()


def order_with_document(*, case_id: int, kind: str, order_id: int) -> CourtOrderRecord | None:
    """One order of the case, document included. The caller has passed the policy."""
    if kind == "sealing":
        return SealingOrder.objects.filter(pk=order_id, case_id=case_id).first()
    if kind == "unsealing":
        return UnsealingOrder.objects.filter(pk=order_id, case_id=case_id).first()
    if kind == "grant":
        return AccessGrant.objects.filter(pk=order_id, case_id=case_id).first()
    return None


ACCESS_LOG_ACTIONS = (
    AuditAction.CASE_VIEWED,
    AuditAction.CASE_ACCESS_REFUSED,
    AuditAction.SEALED_ACCESS_REASON_GIVEN,
    AuditAction.SEALING_DOCUMENT_READ,
    AuditAction.SEALING_ORDER_RECORDED,
    AuditAction.UNSEALING_ORDER_RECORDED,
    AuditAction.SEALED_ACCESS_GRANTED,
    AuditAction.SEALED_ACCESS_REVOKED,
)


def access_log_for_case(*, case_id: int) -> QuerySet[AuditEntry] | None:
    """Reads, refusals, reasons and orders on a case that has ever been sealed (newest first);
    None for a case with no sealing order. Only for oversight: it shows who and why, never the
    case's content."""
    if not SealingOrder.objects.filter(case_id=case_id).exists():
        return None
    return (
        AuditEntry.objects.filter(case_id=case_id, action__in=ACCESS_LOG_ACTIONS)
        .select_related("actor")
        .order_by("-seq")
    )
