"""Sealing, expungement, unsealing and court-ordered access to sealed cases.

Reads go through the access policy: a sealed case is a missing case (404) to anyone without
standing or a court-ordered grant, and those who may read it must state why in the
`X-Access-Reason` header (otherwise 403 saying so); the reason is logged with the read.
Writes go through `evenhand.sealing.services` and are open to whoever may dispose of the case.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from evenhand.sealing import selectors, services
from evenhand.sealing.models import AccessGrant, SealingKind, SealingOrder

from .auth import current_user
from .errors import CASE_READ_ERRORS, CASE_WRITE_ERRORS, ErrorOut
from .fields import DbId, RecordDate, RecordDatetime, Storable
from .schemas import MAX_TEXT_LENGTH, InputSchema, StaffRefOut, staff_ref
from .schemas_common import Username, user_named

router = Router(tags=["sealing"])

# A sealed case read without a stated reason answers 403 (and says what to send).
SEALED_READ_ERRORS: dict[int, Any] = {**CASE_READ_ERRORS, 403: ErrorOut}

Line = Annotated[str, Field(min_length=1, max_length=200), Storable]
Reference = Annotated[str, Field(min_length=1, max_length=120), Storable]
# base64 of at most 10 MB.
DocumentBase64 = Annotated[str, Field(max_length=(services.MAX_DOCUMENT_BYTES * 4) // 3 + 4)]


class DocumentIn(InputSchema):
    name: Line
    content_type: Annotated[str, Field(min_length=1, max_length=100), Storable]
    content_base64: DocumentBase64


class CourtOrderIn(InputSchema):
    court: Line
    judge: Line
    order_date: RecordDate
    order_reference: Reference
    document: DocumentIn | None = Field(None, description="The signed order, base64-encoded.")


class SealingOrderIn(CourtOrderIn):
    kind: SealingKind
    effective_at: RecordDatetime | None = Field(None, description="Default: now.")


class UnsealingOrderIn(CourtOrderIn):
    effective_at: RecordDatetime | None = Field(None, description="Default: now.")


class AccessGrantIn(CourtOrderIn):
    grantee_username: Username
    scope: Annotated[str, Field(min_length=1, max_length=MAX_TEXT_LENGTH), Storable]
    starts_at: RecordDatetime | None = Field(None, description="Default: now.")
    ends_at: RecordDatetime | None = Field(None, description="Default: until revoked.")


class RevokeIn(InputSchema):
    reason: Annotated[str, Field(min_length=1, max_length=MAX_TEXT_LENGTH), Storable]


class UnsealingOut(Schema):
    id: int
    court: str
    judge: str
    order_date: dt.date
    order_reference: str
    effective_at: dt.datetime


class SealingOrderOut(Schema):
    id: int
    case_id: int
    kind: SealingKind
    kind_label: str
    court: str
    judge: str
    order_date: dt.date
    order_reference: str
    effective_at: dt.datetime
    document_sha256: str
    recorded_by: StaffRefOut
    recorded_at: dt.datetime
    unsealing: UnsealingOut | None


class AccessGrantOut(Schema):
    id: int
    case_id: int
    grantee: StaffRefOut
    scope: str
    court: str
    judge: str
    order_date: dt.date
    order_reference: str
    starts_at: dt.datetime
    ends_at: dt.datetime | None
    revoked_at: dt.datetime | None
    revoke_reason: str


class CaseSealingOut(Schema):
    case_id: int
    sealed: bool
    orders: list[SealingOrderOut]
    grants: list[AccessGrantOut]


def _particulars(payload: CourtOrderIn) -> services.OrderParticulars:
    document = None
    if payload.document is not None:
        try:
            content = base64.b64decode(payload.document.content_base64, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationError({"document": "content_base64 is not valid base64."}) from None
        document = services.OrderDocument(
            name=payload.document.name,
            content_type=payload.document.content_type,
            content=content,
        )
    return services.OrderParticulars(
        court=payload.court,
        judge=payload.judge,
        order_date=payload.order_date,
        order_reference=payload.order_reference,
        document=document,
    )


def _order_out(order: SealingOrder) -> SealingOrderOut:
    unsealing = getattr(order, "unsealing", None)
    return SealingOrderOut(
        id=order.pk,
        case_id=order.case_id,
        kind=SealingKind(order.kind),
        kind_label=order.get_kind_display(),
        court=order.court,
        judge=order.judge,
        order_date=order.order_date,
        order_reference=order.order_reference,
        effective_at=order.effective_at,
        document_sha256=order.document_sha256,
        recorded_by=staff_ref(order.recorded_by),
        recorded_at=order.recorded_at,
        unsealing=UnsealingOut(
            id=unsealing.pk,
            court=unsealing.court,
            judge=unsealing.judge,
            order_date=unsealing.order_date,
            order_reference=unsealing.order_reference,
            effective_at=unsealing.effective_at,
        )
        if unsealing is not None
        else None,
    )


def _grant_out(grant: AccessGrant) -> AccessGrantOut:
    return AccessGrantOut(
        id=grant.pk,
        case_id=grant.case_id,
        grantee=staff_ref(grant.grantee),
        scope=grant.scope,
        court=grant.court,
        judge=grant.judge,
        order_date=grant.order_date,
        order_reference=grant.order_reference,
        starts_at=grant.starts_at,
        ends_at=grant.ends_at,
        revoked_at=grant.revoked_at,
        revoke_reason=grant.revoke_reason,
    )


@router.get("/cases/{case_id}/sealing", response={200: CaseSealingOut, **SEALED_READ_ERRORS})
def case_sealing(request: HttpRequest, case_id: DbId) -> CaseSealingOut:
    """The case's sealing, expungement and unsealing orders and its court-ordered access
    grants. A read of the case: for a sealed case send `X-Access-Reason`."""
    overview = selectors.case_sealing_overview(user=current_user(request), case_id=case_id)
    return CaseSealingOut(
        case_id=overview.case.pk,
        sealed=overview.sealed,
        orders=[_order_out(order) for order in overview.orders],
        grants=[_grant_out(grant) for grant in overview.grants],
    )


@router.post(
    "/cases/{case_id}/sealing/orders", response={201: SealingOrderOut, **CASE_WRITE_ERRORS}
)
def record_sealing(
    request: HttpRequest, case_id: DbId, payload: SealingOrderIn
) -> Status[SealingOrderOut]:
    """Record a sealing order (immediate at disposition, or later) or an expungement. Refused
    (422) when another sealing would be in force at the same time."""
    order = services.sealing_order_record(
        actor=current_user(request),
        case_id=case_id,
        kind=payload.kind,
        particulars=_particulars(payload),
        effective_at=payload.effective_at,
    )
    return Status(201, _order_out(order))


@router.post(
    "/cases/{case_id}/sealing/unsealing", response={201: UnsealingOut, **CASE_WRITE_ERRORS}
)
def record_unsealing(
    request: HttpRequest, case_id: DbId, payload: UnsealingOrderIn
) -> Status[UnsealingOut]:
    """Record the court's unsealing order; it applies from `effective_at` (default now).
    Refused (422) when the case is not sealed then, or was expunged."""
    unsealing = services.unsealing_order_record(
        actor=current_user(request),
        case_id=case_id,
        particulars=_particulars(payload),
        effective_at=payload.effective_at,
    )
    return Status(
        201,
        UnsealingOut(
            id=unsealing.pk,
            court=unsealing.court,
            judge=unsealing.judge,
            order_date=unsealing.order_date,
            order_reference=unsealing.order_reference,
            effective_at=unsealing.effective_at,
        ),
    )


@router.post("/cases/{case_id}/sealing/grants", response={201: AccessGrantOut, **CASE_WRITE_ERRORS})
def record_access_grant(
    request: HttpRequest, case_id: DbId, payload: AccessGrantIn
) -> Status[AccessGrantOut]:
    """Record a court's order letting one named person (e.g. the inspector general) read the
    sealed case, from `starts_at` until `ends_at` or revocation."""
    grantee = user_named(payload.grantee_username, field="grantee_username")
    grant = services.access_grant_record(
        actor=current_user(request),
        case_id=case_id,
        grantee=grantee,
        scope=payload.scope,
        particulars=_particulars(payload),
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
    )
    return Status(201, _grant_out(grant))


@router.post(
    "/sealing/grants/{grant_id}/revoke", response={200: AccessGrantOut, **CASE_WRITE_ERRORS}
)
def revoke_access_grant(request: HttpRequest, grant_id: DbId, payload: RevokeIn) -> AccessGrantOut:
    """End a court-ordered access grant (the order was vacated or modified). An unknown grant,
    or one on a case you may not see, is reported like a missing case."""
    grant = services.access_grant_revoke(
        actor=current_user(request), grant_id=grant_id, reason=payload.reason
    )
    return _grant_out(grant)
