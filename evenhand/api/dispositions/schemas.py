"""The request and response bodies of the dispositions API, and how a disposition, an
enrolment, a term and an eligibility verdict are written out."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Schema
from pydantic import Field

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
from evenhand.dispositions.services.common import (
    MAX_END_REASON_LENGTH,
    MAX_OVERRIDE_REASON_LENGTH,
    MAX_REASON_LENGTH,
    MAX_SHORT_TEXT_LENGTH,
    MAX_TEXT_LENGTH,
)
from evenhand.dispositions.vocabulary import cook_county_value

from ..fields import BodyDbId, DbId, RecordDate, Storable
from ..schemas import InputSchema, PageOut, PageQuery

# Free text is bounded as the services bound it, so the schema refuses first and says the same.
Text = Annotated[str, Field(max_length=MAX_TEXT_LENGTH), Storable]
ShortText = Annotated[str, Field(max_length=MAX_SHORT_TEXT_LENGTH), Storable]
Amount = Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=2)]
Reason = Annotated[str, Field(max_length=MAX_REASON_LENGTH), Storable]
OverrideReason = Annotated[str, Field(max_length=MAX_OVERRIDE_REASON_LENGTH), Storable]
# Only spaces pass here; the service refuses them, with a 422 as well.
RequiredReason = Annotated[str, Field(min_length=1, max_length=MAX_REASON_LENGTH), Storable]


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
    waive_reason: Reason = Field(
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
    note: Reason = ""


class EndIn(InputSchema):
    version: Annotated[int, Field(ge=1)]
    status: EnrolmentStatus
    ended_on: RecordDate
    # Required, and bounded as the service bounds it (the web form too).
    reason: Annotated[str, Field(min_length=1, max_length=MAX_END_REASON_LENGTH), Storable]


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
    override_reason: OverrideReason = Field(
        "",
        description=(
            "Why the charges are filed despite a warning that an earlier disposition bars the "
            "prosecution; recorded with the override."
        ),
    )


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
