"""Diversion programmes and alternative dispositions: the ruleset's programmes, a defendant's
eligibility, enrolment, the structured terms and their completion log, and how an enrolment
ends (completed, with the prescribed dispositions, or failed or withdrawn)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Status

from evenhand.dispositions import selectors, services
from evenhand.jurisdictions.ruleset import active_ruleset

from ..auth import current_user
from ..errors import CASE_READ_ERRORS, CASE_WRITE_ERRORS, CONFLICT, ErrorOut
from ..fields import DbId
from .routing import operation_id, router
from .schemas import (
    CompletionIn,
    DispositionOut,
    EligibilityOut,
    EligibilityQuery,
    EndIn,
    EnrolmentDetailOut,
    EnrolmentIn,
    EnrolmentOut,
    ProgrammeOut,
    TermChangeIn,
    TermEntryIn,
    TermIn,
    TermOut,
    disposition_out,
    eligibility_out,
    enrolment_out,
    term_out,
)


@router.get(
    "dispositions/programmes",
    response={200: list[ProgrammeOut], 401: ErrorOut},
    operation_id=operation_id("list_programmes"),
)
def list_programmes(request: HttpRequest) -> list[ProgrammeOut]:
    """The diversion programmes and alternative dispositions of the ruleset, with citations."""
    current_user(request)
    return [
        ProgrammeOut(
            code=p.code,
            name=p.name,
            citation=p.citation,
            verified=p.verified,
            stage=p.stage,
            description=p.description,
            minimum_months=p.minimum_months,
            required_consents=sorted(p.required_consents),
            victim_veto=p.victim_veto,
            once_only=p.once_only,
            condition_types=sorted(p.condition_types),
            completion_disposition=p.completion_disposition,
        )
        for p in active_ruleset().programmes.values()
    ]


@router.get(
    "dispositions/cases/{case_id}/eligibility",
    response={200: EligibilityOut, **CASE_READ_ERRORS},
    operation_id=operation_id("evaluate_eligibility"),
)
def evaluate_eligibility(
    request: HttpRequest, case_id: DbId, query: Query[EligibilityQuery]
) -> EligibilityOut:
    """Eligibility of a defendant for a programme, rule by rule (met, not met, unknown)."""
    verdict = selectors.eligibility_evaluate(
        user=current_user(request),
        case_id=case_id,
        participant_id=query.participant_id,
        programme_code=query.programme,
        consents={
            "state_attorney": query.consent_state_attorney,
            "defendant": query.consent_defendant,
            "victim": query.consent_victim,
        },
        prior_record_attested=query.prior_record_attested,
        starts_on=query.starts_on,
        ends_on=query.ends_on,
    )
    return eligibility_out(verdict)


@router.post(
    "dispositions/cases/{case_id}/enrolments",
    response={201: EnrolmentOut, **CASE_WRITE_ERRORS},
    operation_id=operation_id("create_enrolment"),
)
def create_enrolment(
    request: HttpRequest, case_id: DbId, payload: EnrolmentIn
) -> Status[EnrolmentOut]:
    """Enrol a defendant; 422 with every unmet or unknown rule when not eligible."""
    enrolment = services.enrolment_create(
        actor=current_user(request),
        case_id=case_id,
        participant_id=payload.participant_id,
        programme=payload.programme,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        consent_state_attorney=payload.consent_state_attorney,
        consent_defendant=payload.consent_defendant,
        consent_victim=payload.consent_victim,
        prior_record_attestation=payload.prior_record_attestation,
    )
    return Status(201, enrolment_out(enrolment))


@router.get(
    "dispositions/enrolments/{enrolment_id}",
    response={200: EnrolmentDetailOut, **CASE_READ_ERRORS},
    operation_id=operation_id("get_enrolment"),
)
def get_enrolment(request: HttpRequest, enrolment_id: DbId) -> EnrolmentDetailOut:
    """An enrolment with its terms and their completion log."""
    detail = selectors.enrolment_detail(user=current_user(request), enrolment_id=enrolment_id)
    return EnrolmentDetailOut(
        enrolment=enrolment_out(detail.enrolment),
        terms=[term_out(row.term, row.entries) for row in detail.rows],
    )


@router.post(
    "dispositions/enrolments/{enrolment_id}/terms",
    response={201: TermOut, **CASE_WRITE_ERRORS},
    operation_id=operation_id("add_term"),
)
def add_term(request: HttpRequest, enrolment_id: DbId, payload: TermIn) -> Status[TermOut]:
    """Add a structured term (hours, dollars, sessions, or a condition kept to the end)."""
    term = services.term_add(
        actor=current_user(request),
        enrolment_id=enrolment_id,
        kind=payload.kind,
        required_amount=payload.required_amount,
        due_on=payload.due_on,
        detail=payload.detail,
    )
    return Status(201, term_out(term))


@router.post(
    "dispositions/terms/{term_id}/entries",
    response={201: TermOut, **CONFLICT, **CASE_WRITE_ERRORS},
    operation_id=operation_id("log_term_entry"),
)
def log_term_entry(request: HttpRequest, term_id: DbId, payload: TermEntryIn) -> Status[TermOut]:
    """Log hours, a payment, a session, a violation or a note; 409 on a stale `version`."""
    user = current_user(request)
    entry = services.term_entry_log(
        actor=user,
        term_id=term_id,
        expected_version=payload.version,
        kind=payload.kind,
        amount=payload.amount,
        occurred_on=payload.occurred_on,
        note=payload.note,
    )
    entry.term.refresh_from_db()
    return Status(201, term_out(entry.term))


@router.patch(
    "dispositions/terms/{term_id}",
    response={200: TermOut, **CONFLICT, **CASE_WRITE_ERRORS},
    operation_id=operation_id("change_term"),
)
def change_term(request: HttpRequest, term_id: DbId, payload: TermChangeIn) -> Status[TermOut]:
    """Move a term's due date saying why, or waive it with the court's reason; 422 when the date
    moves without a reason, 409 on a stale `version`. Nothing to change (the due date it has, no
    waiver) answers 200 with the term as it is: the same `version`, nothing recorded."""
    term = services.term_change(
        actor=current_user(request),
        term_id=term_id,
        expected_version=payload.version,
        due_on=payload.due_on,
        waive_reason=payload.waive_reason,
        reason=payload.reason,
    )
    return Status(200, term_out(term))


@router.post(
    "dispositions/enrolments/{enrolment_id}/complete",
    response={200: list[DispositionOut], **CONFLICT, **CASE_WRITE_ERRORS},
    operation_id=operation_id("complete_enrolment"),
)
def complete_enrolment(
    request: HttpRequest, enrolment_id: DbId, payload: CompletionIn
) -> Status[list[DispositionOut]]:
    """Record completion; returns the prescribed dispositions, given for performed
    consideration. 422 while a term is unmet; 409 on a stale `version`."""
    dispositions = services.enrolment_complete(
        actor=current_user(request),
        enrolment_id=enrolment_id,
        expected_version=payload.version,
        completed_on=payload.completed_on,
        note=payload.note,
    )
    return Status(200, [disposition_out(d) for d in dispositions])


@router.post(
    "dispositions/enrolments/{enrolment_id}/end",
    response={200: EnrolmentOut, **CONFLICT, **CASE_WRITE_ERRORS},
    operation_id=operation_id("end_enrolment"),
)
def end_enrolment(request: HttpRequest, enrolment_id: DbId, payload: EndIn) -> Status[EnrolmentOut]:
    """End an enrolment as failed or withdrawn; 409 on a stale `version`."""
    enrolment = services.enrolment_end_unsuccessfully(
        actor=current_user(request),
        enrolment_id=enrolment_id,
        expected_version=payload.version,
        status=payload.status,
        ended_on=payload.ended_on,
        reason=payload.reason,
    )
    return Status(200, enrolment_out(enrolment))
