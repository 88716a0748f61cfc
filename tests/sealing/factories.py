"""Sealing test data, made through the services like everything else."""

from __future__ import annotations

import datetime as dt
import itertools

from evenhand.accounts.models import User
from evenhand.cases.models import Case
from evenhand.sealing.models import AccessGrant, SealingKind, SealingOrder, UnsealingOrder
from evenhand.sealing.services import (
    OrderDocument,
    OrderParticulars,
    access_grant_record,
    sealing_order_record,
    unsealing_order_record,
)

_serial = itertools.count(1)


def particulars(
    *, order_date: dt.date = dt.date(2019, 3, 26), document: OrderDocument | None = None
) -> OrderParticulars:
    return OrderParticulars(
        court="Circuit Court of Cook County",
        judge="Rosa Castellanos",
        order_date=order_date,
        order_reference=f"19-CR-0{next(_serial):05d}",
        document=document,
    )


def seal(
    case: Case,
    *,
    actor: User,
    kind: SealingKind = SealingKind.IMMEDIATE,
    effective_at: dt.datetime | None = None,
    order_date: dt.date = dt.date(2019, 3, 1),
) -> SealingOrder:
    return sealing_order_record(
        actor=actor,
        case_id=case.pk,
        kind=kind,
        particulars=particulars(order_date=order_date),
        effective_at=effective_at,
    )


def unseal(case: Case, *, actor: User, effective_at: dt.datetime | None = None) -> UnsealingOrder:
    return unsealing_order_record(
        actor=actor,
        case_id=case.pk,
        particulars=particulars(order_date=dt.date(2019, 3, 1)),
        effective_at=effective_at,
    )


def grant(
    case: Case,
    *,
    actor: User,
    grantee: User,
    ends_at: dt.datetime | None = None,
) -> AccessGrant:
    return access_grant_record(
        actor=actor,
        case_id=case.pk,
        grantee=grantee,
        scope="Inspection of the file by the county inspector general.",
        particulars=particulars(),
        ends_at=ends_at,
    )
