"""Case endpoints. Thin: parse, call a selector or service, shape the answer.

Reads go through `evenhand.cases.selectors` (which start from the screening policy) and writes
through `evenhand.cases.services` (which check the policy and write the audit entry).
"""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from ninja import Query, Router, Status

from evenhand.cases import selectors, services
from evenhand.screening.policies import CaseAction, access_case

from .auth import current_user
from .errors import (
    CASE_READ_ERRORS,
    CASE_WRITE_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    ErrorOut,
)
from .fields import DbId
from .schemas import (
    AuditTrailOut,
    CaseDetailOut,
    CaseListOut,
    CaseListQuery,
    CaseOpenIn,
    CaseOut,
    ChargeAmendIn,
    ChargeOut,
    ChargesFileIn,
    EventIn,
    EventOut,
    PageQuery,
    ParticipantAddIn,
    ParticipantOut,
    RoleChangeIn,
    audit_entry_out,
    case_detail_out,
    case_list_item,
    case_out,
    charge_out,
    event_out,
    participant_out,
)

router = Router(tags=["cases"])


@router.get("", response={200: CaseListOut, **READ_ERRORS})
def list_cases(request: HttpRequest, filters: Query[CaseListQuery]) -> CaseListOut:
    """Cases you may see, newest received first, filtered and paginated."""
    cases = selectors.case_list(
        user=current_user(request),
        filters=selectors.CaseFilters(
            query=filters.q,
            status=filters.status,
            offense_class=filters.offense_class.strip(),
            statute_key=filters.statute_key.strip(),
            mine=filters.mine,
        ),
    )
    page = cases[filters.offset : filters.offset + filters.page_size]
    return CaseListOut(
        items=[case_list_item(case) for case in page],
        total=cases.count(),
        page=filters.page,
        page_size=filters.page_size,
    )


@router.post("", response={201: CaseOut, **WRITE_ERRORS})
def open_case(request: HttpRequest, payload: CaseOpenIn) -> Status[CaseOut]:
    case = services.case_open(
        actor=current_user(request),
        title=payload.title,
        received_on=payload.received_on,
        summary=payload.summary,
        number=payload.number,
    )
    return Status(201, case_out(case))


@router.get("/{case_id}", response={200: CaseDetailOut, **CASE_READ_ERRORS})
def get_case(request: HttpRequest, case_id: DbId) -> CaseDetailOut:
    """Everything on the case. The read is recorded in the audit log."""
    return case_detail_out(selectors.case_detail(user=current_user(request), case_id=case_id))


@router.get("/{case_id}/audit", response={200: AuditTrailOut, **CASE_READ_ERRORS})
def get_case_audit_trail(
    request: HttpRequest, case_id: DbId, paging: Query[PageQuery]
) -> AuditTrailOut:
    """The case's audit entries, newest first."""
    case, entries = selectors.case_audit_trail(user=current_user(request), case_id=case_id)
    page = entries[paging.offset : paging.offset + paging.page_size]
    return AuditTrailOut(
        case_id=case.pk,
        items=[audit_entry_out(entry) for entry in page],
        total=entries.count(),
        page=paging.page,
        page_size=paging.page_size,
    )


@router.post("/{case_id}/participants", response={201: ParticipantOut, **CASE_WRITE_ERRORS})
def add_participant(
    request: HttpRequest, case_id: DbId, payload: ParticipantAddIn
) -> Status[ParticipantOut]:
    """Record a new person (with aliases) and add them to the case in one step."""
    actor = current_user(request)
    # Checked up front, outside the transaction below, so that a refusal is logged and no
    # person is recorded for a case the caller cannot touch.
    access_case(actor, case_id, CaseAction.EDIT, log_read=False)
    # One transaction: if adding the participant fails, the person is not left behind.
    with transaction.atomic():
        person = services.person_create(
            actor=actor,
            first_name=payload.first_name,
            last_name=payload.last_name,
            middle_name=payload.middle_name,
            date_of_birth=payload.date_of_birth,
            aliases=list(dict.fromkeys(alias.strip() for alias in payload.aliases)),
        )
        participant = services.participant_add(
            actor=actor,
            case_id=case_id,
            person=person,
            role=payload.role,
            occurred_at=payload.occurred_at,
        )
    return Status(201, participant_out(participant))


@router.post(
    "/{case_id}/participants/{participant_id}/role",
    response={200: ParticipantOut, **CASE_WRITE_ERRORS},
)
def change_participant_role(
    request: HttpRequest, case_id: DbId, participant_id: DbId, payload: RoleChangeIn
) -> ParticipantOut:
    participant = services.participant_role_change(
        actor=current_user(request),
        case_id=case_id,
        participant_id=participant_id,
        role=payload.role,
        reason=payload.reason,
        occurred_at=payload.occurred_at,
    )
    return participant_out(participant)


@router.post("/{case_id}/events", response={201: EventOut, **CASE_WRITE_ERRORS})
def record_event(request: HttpRequest, case_id: DbId, payload: EventIn) -> Status[EventOut]:
    event = services.case_event_record(
        actor=current_user(request),
        case_id=case_id,
        kind=payload.kind,
        occurred_at=payload.occurred_at,
        summary=payload.summary,
    )
    return Status(201, event_out(event))


@router.post("/{case_id}/charges", response={201: list[ChargeOut], **CASE_WRITE_ERRORS})
def file_charges(
    request: HttpRequest, case_id: DbId, payload: ChargesFileIn
) -> Status[list[ChargeOut]]:
    """File one or more counts of one statute against one defendant."""
    charges = services.charges_file(
        actor=current_user(request),
        case_id=case_id,
        participant_id=payload.participant_id,
        statute_key=payload.statute_key.strip(),
        counts=payload.counts,
        filed_on=payload.filed_on,
    )
    return Status(201, [charge_out(charge) for charge in charges])


@router.post(
    "/{case_id}/charges/{charge_id}/amend",
    response={201: ChargeOut, 409: ErrorOut, **CASE_WRITE_ERRORS},
)
def amend_charge(
    request: HttpRequest, case_id: DbId, charge_id: DbId, payload: ChargeAmendIn
) -> Status[ChargeOut]:
    """Replace a count's statute; the answer is the new current version of the count.

    `charge_id` names the version the caller saw: if someone amended the count since, the
    answer is 409 and nothing is saved."""
    charge = services.charge_amend(
        actor=current_user(request),
        case_id=case_id,
        charge_id=charge_id,
        statute_key=payload.statute_key.strip(),
        reason=payload.reason,
    )
    return Status(201, charge_out(charge))
