"""When the head of office cannot act: petitions to the court, the refused "acting" delegation,
and the court order that appoints a special prosecutor.

Reads go through `access_case` and `evenhand.appointments.selectors`; writes through
`evenhand.appointments.services`, which log every step (including each refusal and each
download of a petition).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, NoReturn

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status
from pydantic import Field

from evenhand.appointments import selectors, services
from evenhand.appointments.models import (
    AppointeeSource,
    CourtOrder,
    Petition,
    PetitionGround,
    PetitionStatus,
)
from evenhand.screening.policies import CaseAction, CaseNotFoundError, access_case

from .auth import current_user
from .errors import CASE_READ_ERRORS, CASE_WRITE_ERRORS
from .fields import DbId, RecordDate, Storable
from .schemas import MAX_TEXT_LENGTH, InputSchema, StaffRefOut, staff_ref
from .schemas_common import Username, attachment_disposition, user_named

router = Router(tags=["special prosecution"])

Name = Annotated[str, Field(max_length=150), Storable]

TEXT_DOCUMENT = {
    "responses": {
        200: {
            "description": "The petition as plain text, to file with the court.",
            "content": {"text/plain": {"schema": {"type": "string"}}},
        }
    }
}


class CourtOrderOut(Schema):
    id: int
    petition_id: int
    case_id: int
    judge: str
    order_date: dt.date
    appointee: StaffRefOut
    appointee_source: AppointeeSource
    appointee_source_label: str
    scope: str
    recorded_by: StaffRefOut
    recorded_at: dt.datetime


class PetitionOut(Schema):
    id: int
    case_id: int
    ground: PetitionGround
    ground_label: str
    facts: str
    statutory_basis: str
    status: PetitionStatus
    status_label: str
    drafted_by: StaffRefOut | None = Field(description="Null when drafted by the system.")
    drafted_at: dt.datetime
    order: CourtOrderOut | None = Field(description="The court's order, once recorded.")


class OrderRecordedOut(Schema):
    order: CourtOrderOut
    initial_password: str | None = Field(
        description="The new appointee account's password, shown only in this response; "
        "null when an existing appointee account was used."
    )


class PetitionIn(InputSchema):
    ground: PetitionGround
    facts: Annotated[str, Field(min_length=1, max_length=MAX_TEXT_LENGTH), Storable]


class ActingDelegationIn(InputSchema):
    delegate_username: Username


class CourtOrderIn(InputSchema):
    judge: Annotated[str, Field(min_length=1, max_length=200), Storable]
    order_date: RecordDate
    appointee_username: Username = Field(
        description="An existing special prosecutor's account, or the username of a new one."
    )
    appointee_first_name: Name = Field("", description="Required for a new account.")
    appointee_last_name: Name = Field("", description="Required for a new account.")
    appointee_source: AppointeeSource
    scope: Annotated[str, Field(max_length=MAX_TEXT_LENGTH), Storable] = Field(
        "", description="Defaults to this case only."
    )


def _order_out(order: CourtOrder) -> CourtOrderOut:
    return CourtOrderOut(
        id=order.pk,
        petition_id=order.petition_id,
        case_id=order.case_id,
        judge=order.judge,
        order_date=order.order_date,
        appointee=staff_ref(order.appointee),
        appointee_source=AppointeeSource(order.appointee_source),
        appointee_source_label=order.get_appointee_source_display(),
        scope=order.scope,
        recorded_by=staff_ref(order.recorded_by),
        recorded_at=order.recorded_at,
    )


def _petition_out(petition: Petition) -> PetitionOut:
    order = getattr(petition, "order", None)
    return PetitionOut(
        id=petition.pk,
        case_id=petition.case_id,
        ground=PetitionGround(petition.ground),
        ground_label=petition.get_ground_display(),
        facts=petition.facts,
        statutory_basis=petition.statutory_basis,
        status=PetitionStatus(petition.status),
        status_label=petition.get_status_display(),
        drafted_by=staff_ref(petition.drafted_by) if petition.drafted_by else None,
        drafted_at=petition.drafted_at,
        order=_order_out(order) if isinstance(order, CourtOrder) else None,
    )


@router.get("/cases/{case_id}/petitions", response={200: list[PetitionOut], **CASE_READ_ERRORS})
def list_petitions(request: HttpRequest, case_id: DbId) -> list[PetitionOut]:
    """The case's petitions for a special prosecutor, newest first, with any court order.
    The read is recorded in the audit log."""
    case = access_case(current_user(request), case_id, CaseAction.VIEW)
    return [_petition_out(petition) for petition in selectors.petitions_on_case(case=case)]


@router.get(
    "/petitions/{petition_id}/document",
    response={200: None, **CASE_READ_ERRORS},
    openapi_extra=TEXT_DOCUMENT,
)
def download_petition(request: HttpRequest, petition_id: DbId) -> HttpResponse:
    """The petition as a plain-text filing. Each download is logged. A petition in a case you
    may not see is reported like a missing one."""
    petition, text = services.petition_document(
        actor=current_user(request), petition_id=petition_id
    )
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = attachment_disposition(
        f"petition-{petition.case.number}-{petition.pk}.txt"
    )
    return response


@router.post("/cases/{case_id}/petitions", response={201: PetitionOut, **CASE_WRITE_ERRORS})
def draft_petition(request: HttpRequest, case_id: DbId, payload: PetitionIn) -> Status[PetitionOut]:
    """Petition the court on another ground (the head of office is sick, absent or unable).
    For the head of office, the First Assistant and the ethics officer. The case then awaits
    the appointment: office staff can no longer charge or dispose of it."""
    petition = services.petition_draft(
        actor=current_user(request), case_id=case_id, ground=payload.ground, facts=payload.facts
    )
    return Status(201, _petition_out(petition))


@router.post("/cases/{case_id}/acting-delegation", response={**CASE_WRITE_ERRORS})
def request_acting_delegation(
    request: HttpRequest, case_id: DbId, payload: ActingDelegationIn
) -> NoReturn:
    """Ask for someone in the office to act as head of office on the case. Always refused
    (403, logged): only a court may appoint a special prosecutor; petition instead."""
    delegate = user_named(payload.delegate_username, field="delegate_username")
    services.acting_delegation_request(
        actor=current_user(request), case_id=case_id, delegate=delegate
    )
    # The service refuses by raising; returning would mean the ruleset allowed a delegation
    # this API does not model, which is a bug to surface, not to answer.
    msg = "acting_delegation_request returned instead of refusing"
    raise TypeError(msg)


@router.post(
    "/petitions/{petition_id}/order", response={201: OrderRecordedOut, **CASE_WRITE_ERRORS}
)
def record_order(
    request: HttpRequest, petition_id: DbId, payload: CourtOrderIn
) -> Status[OrderRecordedOut]:
    """Record the court's order appointing a special prosecutor. A new appointee account is
    created (its one-time password is in the answer) and reaches this case only."""
    if not Petition.objects.filter(pk=petition_id).exists():
        # The same answer as for a petition in a case the caller may not see.
        raise CaseNotFoundError
    recorded = services.court_order_record(
        actor=current_user(request),
        petition_id=petition_id,
        judge=payload.judge,
        order_date=payload.order_date,
        appointee_username=payload.appointee_username,
        appointee_first_name=payload.appointee_first_name,
        appointee_last_name=payload.appointee_last_name,
        appointee_source=payload.appointee_source,
        scope=payload.scope,
    )
    return Status(
        201,
        OrderRecordedOut(
            order=_order_out(recorded.order), initial_password=recorded.initial_password or None
        ),
    )
