"""Dispositions per charge, programme enrolments with eligibility, structured terms and their
completion log, the overdue and due-soon lists, and charging with the re-prosecution bar.

Thin: every read goes through `evenhand.dispositions.selectors` (cases through the access
policy), every write through `evenhand.dispositions.services`. A stale `version` and a barred
filing without an override reason answer 409 and save nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from evenhand.dispositions import selectors, services
from evenhand.dispositions.eligibility import Verdict
from evenhand.dispositions.models import (
    ChargeDisposition,
    ConsentState,
    DispositionKind,
    Enrolment,
    EnrolmentStatus,
    Term,
    TermEntry,
    TermEntryKind,
    TermKind,
)
from evenhand.dispositions.services.common import MAX_REASON_LENGTH
from evenhand.dispositions.vocabulary import cook_county_value
from evenhand.jurisdictions.ruleset import active_ruleset

from .auth import current_user
from .errors import CASE_READ_ERRORS, CASE_WRITE_ERRORS, CONFLICT, READ_ERRORS, ErrorOut
from .fields import BodyDbId, DbId, RecordDate, Storable
from .schemas import InputSchema, PageOut, PageQuery

router = Router(tags=["dispositions"])

Text = Annotated[str, Field(max_length=2000), Storable]
ShortText = Annotated[str, Field(max_length=500), Storable]
Amount = Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=2)]
Reason = Annotated[str, Field(max_length=MAX_REASON_LENGTH), Storable]
# Only spaces pass here; the service refuses them, with a 422 as well.
RequiredReason = Annotated[str, Field(min_length=1, max_length=MAX_REASON_LENGTH), Storable]


# --- schemas --------------------------------------------------------------------------------


class DispositionOut(Schema):
    id: int
    charge_id: int
    kind: DispositionKind
    kind_label: str
    description: str
    cook_county_value: str
    disposed_on: dt.date
    performed_consideration: bool
    conditions: str
    reinstatement_deadline: dt.date | None
    enrolment_id: int | None
    is_current: bool
    version: int


def disposition_out(disposition: ChargeDisposition) -> DispositionOut:
    return DispositionOut(
        id=disposition.pk,
        charge_id=disposition.charge_id,
        kind=DispositionKind(disposition.kind),
        kind_label=disposition.get_kind_display(),
        description=disposition.description,
        cook_county_value=cook_county_value(disposition.kind),
        disposed_on=disposition.disposed_on,
        performed_consideration=disposition.performed_consideration,
        conditions=disposition.conditions,
        reinstatement_deadline=disposition.reinstatement_deadline,
        enrolment_id=disposition.enrolment_id,
        is_current=disposition.is_current,
        version=disposition.version,
    )


class ChargeRowOut(Schema):
    charge_id: int
    participant_id: int
    count_number: int
    citation: str
    offense_class: str
    current: DispositionOut | None
    history: list[DispositionOut]


class EnrolmentOut(Schema):
    id: int
    case_id: int
    participant_id: int
    programme: str
    status: EnrolmentStatus
    starts_on: dt.date
    ends_on: dt.date
    completed_on: dt.date | None
    eligibility: list[dict[str, str]]
    version: int


def enrolment_out(enrolment: Enrolment) -> EnrolmentOut:
    return EnrolmentOut(
        id=enrolment.pk,
        case_id=enrolment.case_id,
        participant_id=enrolment.participant_id,
        programme=enrolment.programme,
        status=EnrolmentStatus(enrolment.status),
        starts_on=enrolment.starts_on,
        ends_on=enrolment.ends_on,
        completed_on=enrolment.completed_on,
        eligibility=list(enrolment.eligibility),
        version=enrolment.version,
    )


class CaseDispositionsOut(Schema):
    case_id: int
    charges: list[ChargeRowOut]
    enrolments: list[EnrolmentOut]


class DispositionIn(InputSchema):
    charge_id: BodyDbId
    kind: DispositionKind
    disposed_on: RecordDate
    performed_consideration: bool = False
    conditions: Text = ""
    reinstatement_deadline: RecordDate | None = None
    note: Text = ""


class DispositionChangeIn(InputSchema):
    version: Annotated[int, Field(ge=1)]
    kind: DispositionKind
    disposed_on: RecordDate
    performed_consideration: bool = False
    conditions: Text = ""
    reinstatement_deadline: RecordDate | None = None
    note: Text = ""
    reason: RequiredReason = Field(
        description=(
            "Why the disposition is corrected (a mistyped date, the court's order); required, "
            "recorded in the audit entry with the values it replaces."
        )
    )


class ProgrammeOut(Schema):
    code: str
    name: str
    citation: str
    verified: bool
    stage: str
    description: str
    minimum_months: int
    required_consents: list[str]
    victim_veto: bool
    once_only: bool
    condition_types: list[str]
    completion_disposition: str


class RuleOut(Schema):
    rule: str
    outcome: str
    explanation: str


class EligibilityOut(Schema):
    programme: str
    overall: str
    rules: list[RuleOut]


def eligibility_out(verdict: Verdict) -> EligibilityOut:
    return EligibilityOut(
        programme=verdict.programme.code,
        overall=verdict.overall.value,
        rules=[RuleOut(**result.as_json()) for result in verdict.results],
    )


class EligibilityQuery(Schema):
    participant_id: DbId
    programme: Annotated[str, Field(max_length=64), Storable]
    consent_state_attorney: ConsentState = ConsentState.UNKNOWN
    consent_defendant: ConsentState = ConsentState.UNKNOWN
    consent_victim: ConsentState = ConsentState.UNKNOWN
    prior_record_attested: bool = False
    starts_on: RecordDate | None = None
    ends_on: RecordDate | None = None


class EnrolmentIn(InputSchema):
    participant_id: BodyDbId
    programme: Annotated[str, Field(max_length=64), Storable]
    starts_on: RecordDate
    ends_on: RecordDate
    consent_state_attorney: ConsentState
    consent_defendant: ConsentState
    consent_victim: ConsentState = ConsentState.UNKNOWN
    prior_record_attestation: Text = ""


class TermEntryOut(Schema):
    id: int
    kind: TermEntryKind
    amount: Decimal | None
    occurred_on: dt.date
    note: str


def _entry_out(entry: TermEntry) -> TermEntryOut:
    return TermEntryOut(
        id=entry.pk,
        kind=TermEntryKind(entry.kind),
        amount=entry.amount,
        occurred_on=entry.occurred_on,
        note=entry.note,
    )


class TermOut(Schema):
    id: int
    enrolment_id: int
    kind: TermKind
    required_amount: Decimal | None
    completed_amount: Decimal
    unit: str
    detail: str
    due_on: dt.date
    status: str
    met_on: dt.date | None
    violations: int
    version: int
    entries: list[TermEntryOut] = []


def term_out(term: Term, entries: list[TermEntry] | None = None) -> TermOut:
    return TermOut(
        id=term.pk,
        enrolment_id=term.enrolment_id,
        kind=TermKind(term.kind),
        required_amount=term.required_amount,
        completed_amount=term.completed_amount,
        unit=term.unit,
        detail=term.detail,
        due_on=term.due_on,
        status=term.status,
        met_on=term.met_on,
        violations=term.violations,
        version=term.version,
        entries=[_entry_out(entry) for entry in entries or []],
    )


class EnrolmentDetailOut(Schema):
    enrolment: EnrolmentOut
    terms: list[TermOut]


class TermIn(InputSchema):
    kind: TermKind
    required_amount: Amount | None = None
    due_on: RecordDate
    detail: ShortText = ""


class TermEntryIn(InputSchema):
    version: Annotated[int, Field(ge=1)]
    kind: TermEntryKind
    amount: Amount | None = None
    occurred_on: RecordDate
    note: ShortText = ""


class TermChangeIn(InputSchema):
    version: Annotated[int, Field(ge=1)]
    due_on: RecordDate
    waive_reason: ShortText = Field(
        "", description="The court's reason for waiving the term; given, the term is waived."
    )
    reason: Reason = Field(
        "",
        description=(
            "Why the due date moves (the court extended it, it was entered wrongly); required "
            "when `due_on` differs from the term's, unless the term is waived. Recorded in the "
            "audit entry."
        ),
    )


class CompletionIn(InputSchema):
    version: Annotated[int, Field(ge=1)]
    completed_on: RecordDate
    note: ShortText = ""


class EndIn(InputSchema):
    version: Annotated[int, Field(ge=1)]
    status: EnrolmentStatus
    ended_on: RecordDate
    reason: Text


class TermListItemOut(Schema):
    term: TermOut
    case_id: int
    case_number: str
    participant: str
    programme: str


class TermListOut(PageOut):
    items: list[TermListItemOut]


class DueSoonQuery(PageQuery):
    days: int = Field(14, ge=0, le=366)


class CheckedChargesIn(InputSchema):
    participant_id: BodyDbId
    statute_key: Annotated[str, Field(max_length=64), Storable]
    counts: Annotated[int, Field(ge=1, le=999)]
    filed_on: RecordDate
    incident_on: RecordDate | None = None
    override_reason: Text = ""


class FiledChargesOut(Schema):
    charge_ids: list[int]
    bar_overridden: bool


class BarFindingOut(Schema):
    earlier_case: str
    disposition_id: int
    disposition: str
    disposed_on: dt.date
    citation: str
    why: str
    authority: str


class BarWarningOut(Schema):
    detail: str
    findings: list[BarFindingOut]


class SameConductIn(InputSchema):
    earlier_case_id: BodyDbId
    note: ShortText = ""


# --- operations -----------------------------------------------------------------------------


@router.get("dispositions/cases/{case_id}", response={200: CaseDispositionsOut, **CASE_READ_ERRORS})
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


@router.post("dispositions/cases/{case_id}", response={201: DispositionOut, **CASE_WRITE_ERRORS})
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


@router.get("dispositions/programmes", response={200: list[ProgrammeOut], 401: ErrorOut})
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
)
def change_term(request: HttpRequest, term_id: DbId, payload: TermChangeIn) -> Status[TermOut]:
    """Move a term's due date saying why, or waive it with the court's reason; 422 when the date
    moves without a reason, 409 on a stale `version`."""
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


def _term_page(terms: QuerySet[Term], page: PageQuery) -> TermListOut:
    rows = terms[page.offset : page.offset + page.page_size]
    return TermListOut(
        items=[
            TermListItemOut(
                term=term_out(term),
                case_id=term.enrolment.case_id,
                case_number=term.enrolment.case.number,
                participant=str(term.enrolment.participant.person),
                programme=term.enrolment.programme,
            )
            for term in rows
        ],
        total=terms.count(),
        page=page.page,
        page_size=page.page_size,
    )


@router.get("dispositions/overdue-terms", response={200: TermListOut, **READ_ERRORS})
def list_overdue_terms(request: HttpRequest, page: Query[PageQuery]) -> TermListOut:
    """Open terms past their due date on cases you may see, oldest first."""
    user = current_user(request)
    return _term_page(selectors.overdue_terms(user=user, today=timezone.localdate()), page)


@router.get("dispositions/due-soon-terms", response={200: TermListOut, **READ_ERRORS})
def list_due_soon_terms(request: HttpRequest, query: Query[DueSoonQuery]) -> TermListOut:
    """Open terms due from today up to `days` ahead on cases you may see, soonest first."""
    user = current_user(request)
    terms = selectors.due_soon_terms(user=user, today=timezone.localdate(), days=query.days)
    return _term_page(terms, query)


@router.post(
    "dispositions/cases/{case_id}/charges",
    response={201: FiledChargesOut, 409: BarWarningOut, **CASE_WRITE_ERRORS},
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
