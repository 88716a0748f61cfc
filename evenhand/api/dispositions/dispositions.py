"""How each current charge of a case ended: the case's dispositions with their history, and
recording or correcting a disposition."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Status

from evenhand.dispositions import selectors, services

from ..auth import current_user
from ..errors import CASE_READ_ERRORS, CASE_WRITE_ERRORS, CONFLICT
from ..fields import DbId
from .routing import operation_id, router
from .schemas import (
    CaseDispositionsOut,
    ChargeRowOut,
    DispositionChangeIn,
    DispositionIn,
    DispositionOut,
    disposition_out,
    enrolment_out,
)


@router.get(
    "dispositions/cases/{case_id}",
    response={200: CaseDispositionsOut, **CASE_READ_ERRORS},
    operation_id=operation_id("case_dispositions"),
)
def case_dispositions(request: HttpRequest, case_id: DbId) -> CaseDispositionsOut:
    """Every current charge of the case with its disposition and history, and the case's
    programme enrolments."""
    overview = selectors.dispositions_overview(user=current_user(request), case_id=case_id)
    return CaseDispositionsOut(
        case_id=overview.case.pk,
        charges=[
            ChargeRowOut(
                charge_id=row.charge.pk,
                participant_id=row.charge.participant_id,
                count_number=row.charge.count_number,
                citation=row.charge.citation,
                offense_class=row.charge.offense_class,
                current=disposition_out(row.current) if row.current else None,
                history=[disposition_out(d) for d in row.history],
            )
            for row in overview.charges
        ],
        enrolments=[enrolment_out(e) for e in overview.enrolments],
    )


@router.post(
    "dispositions/cases/{case_id}",
    response={201: DispositionOut, **CASE_WRITE_ERRORS},
    operation_id=operation_id("record_disposition"),
)
def record_disposition(
    request: HttpRequest, case_id: DbId, payload: DispositionIn
) -> Status[DispositionOut]:
    """Record how a current charge ended. Refused (404/403, logged) for a user the policy does
    not allow to dispose: screened, or office staff while a special prosecutor is awaited."""
    disposition = services.disposition_record(
        actor=current_user(request),
        case_id=case_id,
        charge_id=payload.charge_id,
        kind=payload.kind,
        disposed_on=payload.disposed_on,
        performed_consideration=payload.performed_consideration,
        conditions=payload.conditions,
        reinstatement_deadline=payload.reinstatement_deadline,
        note=payload.note,
    )
    return Status(201, disposition_out(disposition))


@router.put(
    "dispositions/cases/{case_id}/dispositions/{disposition_id}",
    response={200: DispositionOut, **CONFLICT, **CASE_WRITE_ERRORS},
    operation_id=operation_id("change_disposition"),
)
def change_disposition(
    request: HttpRequest, case_id: DbId, disposition_id: DbId, payload: DispositionChangeIn
) -> Status[DispositionOut]:
    """Correct a current disposition, saying why; 422 without a reason, 409 if it changed since
    `version`."""
    disposition = services.disposition_change(
        actor=current_user(request),
        case_id=case_id,
        disposition_id=disposition_id,
        expected_version=payload.version,
        kind=payload.kind,
        disposed_on=payload.disposed_on,
        performed_consideration=payload.performed_consideration,
        conditions=payload.conditions,
        reinstatement_deadline=payload.reinstatement_deadline,
        note=payload.note,
        reason=payload.reason,
    )
    return Status(200, disposition_out(disposition))
