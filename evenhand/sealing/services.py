"""Every write of the sealing app: orders recorded, grants given and revoked, reasons stated.

Each service checks the access policy before opening its transaction (so a refusal's log entry
is committed even though nothing else is), validates everything, then saves and writes its
audit entry in one atomic block: a refused order leaves nothing behind. Orders are recorded by
whoever may dispose of the case (its prosecutors, or the court-appointed special prosecutor).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from evenhand.accounts.models import User
from evenhand.audit.models import AuditAction
from evenhand.audit.services import audit_record
from evenhand.screening.policies import (
    CaseAction,
    CaseNotFoundError,
    access_case,
    has_sealed_standing,
)

from .context import MIN_REASON_LENGTH, clean_reason
from .models import AccessGrant, CourtOrderRecord, SealingKind, SealingOrder, UnsealingOrder

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
# Arbitrary but fixed first key for pg_advisory_xact_lock: "seal".
_SEALING_LOCK_KEY = 0x7365616C


@dataclass(frozen=True)
class OrderDocument:
    name: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class OrderParticulars:
    """What identifies a court order: court, judge, date, reference, and the order itself."""

    court: str
    judge: str
    order_date: dt.date
    order_reference: str
    document: OrderDocument | None = None


def _lock_case_orders(case_id: int) -> None:
    """Serialise order writes per case, so two overlapping sealings cannot both pass the check.
    (SQLite needs nothing: every transaction here is IMMEDIATE and takes the write lock.)"""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_SEALING_LOCK_KEY, case_id])


def _apply_particulars(record: CourtOrderRecord, particulars: OrderParticulars) -> None:
    errors: dict[str, str] = {}
    for name in ("court", "judge", "order_reference"):
        if not str(getattr(particulars, name)).strip():
            errors[name] = "Required: as written on the order."
    if particulars.order_date > timezone.localdate():
        errors["order_date"] = "An order cannot be dated in the future."
    document = particulars.document
    if document is not None and len(document.content) > MAX_DOCUMENT_BYTES:
        errors["document"] = f"The order document is larger than {MAX_DOCUMENT_BYTES} bytes."
    if document is not None and not document.content:
        errors["document"] = "The order document is empty."
    if errors:
        raise ValidationError(errors)
    record.court = particulars.court.strip()
    record.judge = particulars.judge.strip()
    record.order_date = particulars.order_date
    record.order_reference = particulars.order_reference.strip()
    if document is not None:
        record.document_name = document.name.strip()[:200] or "order"
        record.document_type = document.content_type.strip()[:100] or "application/octet-stream"
        record.document = document.content
        record.document_sha256 = hashlib.sha256(document.content).hexdigest()


def _particulars_json(record: CourtOrderRecord) -> dict[str, object]:
    return {
        "court": record.court,
        "judge": record.judge,
        "order_date": record.order_date,
        "order_reference": record.order_reference,
        "document_sha256": record.document_sha256,
    }


def _order_day_start(order_date: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(order_date, dt.time.min))


def sealing_order_record(
    *,
    actor: User,
    case_id: int,
    kind: SealingKind,
    particulars: OrderParticulars,
    effective_at: dt.datetime | None = None,
) -> SealingOrder:
    """Record a sealing (immediate at disposition, or later) or expungement order.

    Refused when another sealing of the case would be in force at any moment from
    `effective_at` on: a case is sealed by one order at a time.
    """
    case = access_case(actor, case_id, CaseAction.DISPOSE, log_read=False)
    now = timezone.now()
    effective = effective_at or now
    order = SealingOrder(case=case, kind=kind, effective_at=effective, recorded_by=actor)
    _apply_particulars(order, particulars)
    if kind not in SealingKind.values:
        raise ValidationError({"kind": "Not a kind of sealing order."})
    if effective < _order_day_start(particulars.order_date):
        raise ValidationError({"effective_at": "An order cannot take effect before its date."})
    with transaction.atomic():
        _lock_case_orders(case.pk)
        overlapping = (
            SealingOrder.objects.filter(case=case)
            .exclude(unsealing__effective_at__lte=effective)
            .first()
        )
        if overlapping is not None:
            raise ValidationError(
                f"Case {case.number} is already sealed by order {overlapping.order_reference} "
                f"(effective {overlapping.effective_at:%Y-%m-%d %H:%M %Z}) at or after that "
                "moment; record an unsealing order first."
            )
        order.recorded_at = now
        order.full_clean()
        order.save(force_insert=True)
        audit_record(
            actor=actor,
            action=AuditAction.SEALING_ORDER_RECORDED,
            subject_type="sealing_order",
            subject_id=order.pk,
            case_id=case.pk,
            after={"kind": kind, "effective_at": effective, **_particulars_json(order)},
        )
    return order


def unsealing_order_record(
    *,
    actor: User,
    case_id: int,
    particulars: OrderParticulars,
    effective_at: dt.datetime | None = None,
) -> UnsealingOrder:
    """Record the court's order unsealing a case; it ends the sealing in force (or the latest
    one) from `effective_at` on, and with it the court-ordered access grants on the case. An
    expungement is not undone this way."""
    case = access_case(actor, case_id, CaseAction.DISPOSE, log_read=False)
    now = timezone.now()
    effective = effective_at or now
    unsealing = UnsealingOrder(case=case, effective_at=effective, recorded_by=actor)
    _apply_particulars(unsealing, particulars)
    with transaction.atomic():
        _lock_case_orders(case.pk)
        sealing = (
            SealingOrder.objects.filter(case=case, unsealing__isnull=True)
            .order_by("-effective_at")
            .first()
        )
        if sealing is None or sealing.effective_at > effective:
            raise ValidationError(f"Case {case.number} is not sealed at that moment.")
        if sealing.kind == SealingKind.EXPUNGEMENT:
            raise ValidationError(
                f"Case {case.number} was expunged (order {sealing.order_reference}); an "
                "unsealing order does not undo an expungement."
            )
        if effective < _order_day_start(particulars.order_date):
            raise ValidationError({"effective_at": "An order cannot take effect before its date."})
        unsealing.sealing = sealing
        unsealing.recorded_at = now
        unsealing.full_clean()
        unsealing.save(force_insert=True)
        # A grant opened this sealing to someone; it must not reopen a later one by itself.
        ended = list(
            AccessGrant.objects.filter(case=case, revoked_at__isnull=True)
            .exclude(ends_at__lte=effective)
            .values_list("pk", flat=True)
        )
        AccessGrant.objects.filter(pk__in=ended).update(
            revoked_at=effective,
            revoked_by=actor,
            revoke_reason=f"Case unsealed by order {unsealing.order_reference}.",
        )
        audit_record(
            actor=actor,
            action=AuditAction.UNSEALING_ORDER_RECORDED,
            subject_type="unsealing_order",
            subject_id=unsealing.pk,
            case_id=case.pk,
            before={"sealing_order": sealing.pk, "sealing_reference": sealing.order_reference},
            after={
                "effective_at": effective,
                "grants_ended": ended,
                **_particulars_json(unsealing),
            },
        )
    return unsealing


def access_grant_record(
    *,
    actor: User,
    case_id: int,
    grantee: User,
    scope: str,
    particulars: OrderParticulars,
    starts_at: dt.datetime | None = None,
    ends_at: dt.datetime | None = None,
) -> AccessGrant:
    """Record a court's order letting one named person read a sealed case for a period."""
    case = access_case(actor, case_id, CaseAction.DISPOSE, log_read=False)
    now = timezone.now()
    starts = starts_at or now
    grant = AccessGrant(
        case=case,
        grantee=grantee,
        scope=scope.strip(),
        starts_at=starts,
        ends_at=ends_at,
        recorded_by=actor,
    )
    _apply_particulars(grant, particulars)
    errors: dict[str, str] = {}
    if not grant.scope:
        errors["scope"] = "State what the order allows, in its own words."
    if ends_at is not None and ends_at <= starts:
        errors["ends_at"] = "The grant must end after it starts."
    if not grantee.is_active:
        errors["grantee"] = "That account is not active."
    elif has_sealed_standing(grantee):
        errors["grantee"] = f"{grantee} already may read sealed cases by role; no grant needed."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        _lock_case_orders(case.pk)
        if not SealingOrder.objects.filter(case=case, unsealing__isnull=True).exists():
            raise ValidationError(f"Case {case.number} is not sealed; its access is not limited.")
        grant.recorded_at = now
        grant.full_clean()
        grant.save(force_insert=True)
        audit_record(
            actor=actor,
            action=AuditAction.SEALED_ACCESS_GRANTED,
            subject_type="sealed_access_grant",
            subject_id=grant.pk,
            case_id=case.pk,
            after={
                "grantee": grantee.username,
                "scope": grant.scope,
                "starts_at": starts,
                "ends_at": ends_at,
                **_particulars_json(grant),
            },
        )
    return grant


def access_grant_revoke(*, actor: User, grant_id: int, reason: str) -> AccessGrant:
    """End a court-ordered grant early (the order was vacated or modified)."""
    grant = AccessGrant.objects.filter(pk=grant_id).only("case_id").first()
    if grant is None:
        # The same answer as for a grant on a case the actor may not see.
        raise CaseNotFoundError
    case = access_case(actor, grant.case_id, CaseAction.DISPOSE, log_read=False)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the grant ends (e.g. the order vacating it)."})
    with transaction.atomic():
        grant = AccessGrant.objects.select_for_update().select_related("grantee").get(pk=grant_id)
        if grant.revoked_at is not None:
            raise ValidationError("This grant was already revoked.")
        grant.revoked_at = timezone.now()
        grant.revoked_by = actor
        grant.revoke_reason = reason.strip()
        grant.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        audit_record(
            actor=actor,
            action=AuditAction.SEALED_ACCESS_REVOKED,
            subject_type="sealed_access_grant",
            subject_id=grant.pk,
            case_id=case.pk,
            after={"grantee_id": grant.grantee_id, "reason": grant.revoke_reason},
        )
    return grant


def access_reason_give(*, actor: User, case_id: int, reason: str) -> str:
    """Record why `actor` opens a sealed case; returns the reason as stored (for the session).

    The policy decides first: someone who may not read the case gets the same 404 as always.
    """
    case = access_case(actor, case_id, CaseAction.VIEW, log_read=False)
    cleaned = clean_reason(reason)
    if not cleaned:
        raise ValidationError(
            {"reason": f"Give a reason of at least {MIN_REASON_LENGTH} characters."}
        )
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.SEALED_ACCESS_REASON_GIVEN,
            subject_type="case",
            subject_id=case.pk,
            case_id=case.pk,
            after={"reason": cleaned},
        )
    return cleaned


def sealing_document_read(*, actor: User, order: CourtOrderRecord, case_id: int) -> bytes:
    """Log a download of an order document (the caller has passed the policy for the case)."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.SEALING_DOCUMENT_READ,
            subject_type=type(order).__name__.lower(),
            subject_id=order.pk,
            case_id=case_id,
            after={"document_sha256": order.document_sha256},
        )
    return bytes(order.document)
