"""Charging with the re-prosecution bar checked first (People v. Smollett): filing charges,
with an override recorded when an earlier nolle prosequi may bar them, and linking a case to
an earlier case about the same conduct."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Status

from evenhand.dispositions import services

from ..auth import current_user
from ..errors import CASE_WRITE_ERRORS
from ..fields import DbId
from .routing import operation_id, router
from .schemas import (
    BarFindingOut,
    BarWarningOut,
    CheckedChargesIn,
    FiledChargesOut,
    SameConductIn,
)


@router.post(
    "dispositions/cases/{case_id}/charges",
    response={201: FiledChargesOut, 409: BarWarningOut, **CASE_WRITE_ERRORS},
    operation_id=operation_id("file_checked_charges"),
)
def file_checked_charges(
    request: HttpRequest, case_id: DbId, payload: CheckedChargesIn
) -> Status[FiledChargesOut] | Status[BarWarningOut]:
    """File charges with the re-prosecution bar checked first. When an earlier nolle prosequi
    for performed consideration may bar it, 409 lists the findings (the warning is logged);
    repeat with `override_reason` to file, and the override is recorded."""
    try:
        charges = services.charges_file_checked(
            actor=current_user(request),
            case_id=case_id,
            participant_id=payload.participant_id,
            statute_key=payload.statute_key,
            counts=payload.counts,
            filed_on=payload.filed_on,
            incident_on=payload.incident_on,
            override_reason=payload.override_reason,
        )
    except services.BarWarningError as exc:
        return Status(
            409,
            BarWarningOut(
                detail=str(exc),
                findings=[
                    BarFindingOut(
                        earlier_case=f.earlier_case_label,
                        disposition_id=f.disposition_id,
                        disposition=f.disposition_label,
                        disposed_on=f.disposed_on,
                        citation=f.citation,
                        why=f.why,
                        authority=f.authority,
                    )
                    for f in exc.findings
                ],
            ),
        )
    return Status(
        201,
        FiledChargesOut(
            charge_ids=[c.pk for c in charges], bar_overridden=bool(payload.override_reason.strip())
        ),
    )


@router.post(
    "dispositions/cases/{case_id}/same-conduct",
    response={204: None, **CASE_WRITE_ERRORS},
    operation_id=operation_id("link_same_conduct"),
)
def link_same_conduct(request: HttpRequest, case_id: DbId, payload: SameConductIn) -> Status[None]:
    """Record that this case concerns the same incident as an earlier case."""
    services.same_conduct_link(
        actor=current_user(request),
        case_id=case_id,
        earlier_case_id=payload.earlier_case_id,
        note=payload.note,
    )
    return Status(204, None)
