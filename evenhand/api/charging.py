"""Charging: referrals, felony review, charging decisions with their consistency verdict, and
the comparable-dispositions search. Thin: parse, call a selector or service, shape the answer.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from evenhand.analytics.queries.comparable import participant_rows
from evenhand.analytics.queries.consistency import Period
from evenhand.analytics.queries.outcomes import Outcome
from evenhand.analytics.store import StoreError
from evenhand.charging import selectors, services
from evenhand.charging.comparable import SEARCH_OUTCOMES, ComparableFilters, comparable_dispositions
from evenhand.charging.consistency import Verdict
from evenhand.charging.models import ChargingDecision, ReviewResult
from evenhand.jurisdictions.ruleset import active_ruleset

from .auth import current_user
from .errors import CASE_READ_ERRORS, CASE_WRITE_ERRORS, READ_ERRORS, ErrorOut
from .fields import BodyDbId, DbId, RecordDate, Storable

router = Router(tags=["charging"])

Year = Annotated[int, Field(ge=1900, le=2999)]
ShortText = Annotated[str, Field(max_length=200), Storable]
LongText = Annotated[str, Field(max_length=10_000), Storable]
Counts = Annotated[int, Field(ge=1, le=999)]


class ReferralIn(Schema):
    agency: Annotated[str, Field(min_length=1, max_length=200), Storable]
    received_on: RecordDate
    officer_name: ShortText = ""
    report_number: Annotated[str, Field(max_length=64), Storable] = ""
    summary: LongText = ""
    title: ShortText = ""
    case_id: BodyDbId | None = None


class ReferralOut(Schema):
    id: int
    case_id: int
    agency: str
    officer_name: str
    received_on: dt.date


class FelonyReviewIn(Schema):
    result: ReviewResult
    reasons: Annotated[str, Field(min_length=1, max_length=5000), Storable]


class FelonyReviewOut(Schema):
    id: int
    case_id: int
    result: str
    reasons: str
    reviewer: str
    reviewed_at: dt.datetime


class ProposalIn(Schema):
    participant_id: BodyDbId
    statute_key: Annotated[str, Field(min_length=1, max_length=64), Storable]
    counts: Counts
    year_from: Year
    year_to: Year


class DecisionIn(ProposalIn):
    filed_on: RecordDate
    rationale: LongText = ""
    bar_override_reason: LongText = ""


class GroupOut(Schema):
    group: str
    participants: int
    below: int
    equal: int
    highest: int
    percentile: float | None
    outcomes: dict[str, int]
    class_reduced: int
    class_ranked: int


class VerdictOut(Schema):
    count_total: int
    percentile: float | None
    comparison_group: str
    is_highest: bool
    rationale_required: bool
    threshold: float
    releases: list[str]
    period: list[int]
    groups: list[GroupOut]
    distribution: list[list[int]]


class DecisionOut(Schema):
    id: int
    case_id: int
    participant_id: int
    statute_key: str
    citation: str
    offense_class: str
    counts: int
    count_total: int
    filed_on: dt.date
    charge_ids: list[int]
    rationale: str
    decided_by: str
    decided_at: dt.datetime
    verdict: VerdictOut


def _groups(snapshot: dict[str, Any]) -> list[GroupOut]:
    return [
        GroupOut(
            group=name,
            participants=values["participants"],
            below=values["below"],
            equal=values["equal"],
            highest=values["highest"],
            percentile=values["percentile"] if values["participants"] else None,
            outcomes=values["outcomes"],
            class_reduced=values["class_reduced"],
            class_ranked=values["class_ranked"],
        )
        for name, values in snapshot.get("groups", {}).items()
    ]


def _verdict_out(
    snapshot: dict[str, Any], *, percentile: float | None, required: bool
) -> VerdictOut:
    return VerdictOut(
        count_total=snapshot["count_total"],
        percentile=percentile,
        comparison_group=snapshot["primary_group"] if percentile is not None else "",
        is_highest=snapshot["is_highest"],
        rationale_required=required,
        threshold=snapshot["threshold"],
        releases=snapshot["releases"],
        period=snapshot["period"],
        groups=_groups(snapshot),
        distribution=snapshot["distribution"],
    )


def verdict_out(verdict: Verdict) -> VerdictOut:
    return _verdict_out(
        verdict.snapshot(), percentile=verdict.percentile, required=verdict.rationale_required
    )


def decision_out(decision: ChargingDecision) -> DecisionOut:
    return DecisionOut(
        id=decision.pk,
        case_id=decision.case_id,
        participant_id=decision.participant_id,
        statute_key=decision.statute_key,
        citation=decision.citation,
        offense_class=decision.offense_class,
        counts=decision.counts,
        count_total=decision.count_total,
        filed_on=decision.filed_on,
        charge_ids=sorted(decision.charges.values_list("pk", flat=True)),
        rationale=decision.rationale,
        decided_by=decision.decided_by.username,
        decided_at=decision.decided_at,
        verdict=_verdict_out(
            decision.comparison,
            percentile=decision.percentile,
            required=decision.rationale_required,
        ),
    )


def _period(payload: ProposalIn) -> Period:
    if payload.year_from > payload.year_to:
        raise ValidationError({"year_to": "The period ends before it starts."})
    return Period(payload.year_from, payload.year_to)


@router.post("/charging/referrals", response={201: ReferralOut, **CASE_WRITE_ERRORS})
def receive_referral(request: HttpRequest, payload: ReferralIn) -> Status[ReferralOut]:
    """Record a police referral on an existing case, or open a new case at intake (`title`)."""
    referral = services.referral_receive(actor=current_user(request), **payload.dict())
    return Status(
        201,
        ReferralOut(
            id=referral.pk,
            case_id=referral.case_id,
            agency=referral.agency,
            officer_name=referral.officer_name,
            received_on=referral.received_on,
        ),
    )


@router.post(
    "/cases/{case_id}/felony-reviews", response={201: FelonyReviewOut, **CASE_WRITE_ERRORS}
)
def record_felony_review(
    request: HttpRequest, case_id: DbId, payload: FelonyReviewIn
) -> Status[FelonyReviewOut]:
    """Approve, reject or continue the investigation, with reasons. Refused to screened users
    and to office staff on a case awaiting a special prosecutor."""
    review = services.felony_review_record(
        actor=current_user(request), case_id=case_id, result=payload.result, reasons=payload.reasons
    )
    return Status(
        201,
        FelonyReviewOut(
            id=review.pk,
            case_id=review.case_id,
            result=review.result,
            reasons=review.reasons,
            reviewer=review.reviewer.username,
            reviewed_at=review.reviewed_at,
        ),
    )


@router.post("/cases/{case_id}/charging/preview", response={200: VerdictOut, **CASE_WRITE_ERRORS})
def preview_decision(request: HttpRequest, case_id: DbId, payload: ProposalIn) -> VerdictOut:
    """The consistency verdict a decision would get; nothing is written."""
    verdict = services.charging_preview(
        actor=current_user(request),
        case_id=case_id,
        participant_id=payload.participant_id,
        statute_key=payload.statute_key,
        counts=payload.counts,
        period=_period(payload),
    )
    return verdict_out(verdict)


@router.post(
    "/cases/{case_id}/charging/decisions", response={201: DecisionOut, **CASE_WRITE_ERRORS}
)
def decide(request: HttpRequest, case_id: DbId, payload: DecisionIn) -> Status[DecisionOut]:
    """File the counts with their consistency verdict. Above the office's percentile a
    rationale is required (422 without one); the decision is never otherwise blocked."""
    decision = services.charging_decide(
        actor=current_user(request),
        case_id=case_id,
        participant_id=payload.participant_id,
        statute_key=payload.statute_key,
        counts=payload.counts,
        filed_on=payload.filed_on,
        period=_period(payload),
        rationale=payload.rationale,
        bar_override_reason=payload.bar_override_reason,
    )
    return Status(201, decision_out(decision))


@router.get("/charging/decisions/{decision_id}", response={200: DecisionOut, **CASE_READ_ERRORS})
def get_decision(request: HttpRequest, decision_id: DbId) -> DecisionOut:
    return decision_out(
        selectors.decision_detail(user=current_user(request), decision_id=decision_id)
    )


class ComparableQuery(Schema):
    statute_key: Annotated[str, Field(max_length=64), Storable] = ""
    offense_class: Annotated[str, Field(max_length=4), Storable] = ""
    offense_category: Annotated[str, Field(max_length=100), Storable] = ""
    min_counts: Annotated[int, Field(ge=1, le=10_000)] = 1
    max_counts: Annotated[int, Field(ge=1, le=10_000)] = 10_000
    year_from: Year = 1900
    year_to: Year = 2999
    outcomes: list[Outcome] = Field(default_factory=list)


class OfficeMatchOut(Schema):
    case_id: int
    case_number: str
    participant: str
    count_total: int
    citation: str
    offense_class: str
    outcome: Outcome
    disposed_on: dt.date | None


class HistoryMatchOut(Schema):
    release: str
    participant_id: str
    received_on: dt.date | None
    count_total: int
    citation: str
    offense_class: str
    offense_category: str
    outcome: Outcome
    disposed_on: dt.date | None


class OutcomeCountOut(Schema):
    outcome: Outcome
    office: int
    open_data: int


class ComparableOut(Schema):
    counts: list[OutcomeCountOut]
    office: list[OfficeMatchOut]
    open_data: list[HistoryMatchOut]
    releases: list[str]


@router.get("/charging/comparable", response={200: ComparableOut, **READ_ERRORS})
def comparable(request: HttpRequest, filters: Query[ComparableQuery]) -> ComparableOut:
    """Comparable cases that ended in a nolle prosequi, diversion or deferred prosecution, or a
    plea (or the `outcomes` given): office cases you may see, and open-data participants."""
    if filters.statute_key and filters.statute_key not in active_ruleset().statutes:
        raise ValidationError({"statute_key": f"Unknown statute {filters.statute_key!r}."})
    if filters.min_counts > filters.max_counts:
        raise ValidationError({"max_counts": "The count range ends before it starts."})
    if filters.year_from > filters.year_to:
        raise ValidationError({"year_to": "The period ends before it starts."})
    results = comparable_dispositions(
        user=current_user(request),
        filters=ComparableFilters(
            statute_key=filters.statute_key,
            offense_class=filters.offense_class.strip().upper(),
            offense_category=filters.offense_category.strip(),
            min_counts=filters.min_counts,
            max_counts=filters.max_counts,
            year_from=filters.year_from,
            year_to=filters.year_to,
            outcomes=frozenset(filters.outcomes) or SEARCH_OUTCOMES,
        ),
    )
    return ComparableOut(
        counts=[
            OutcomeCountOut(outcome=outcome, office=office, open_data=history)
            for outcome, office, history in results.total_counts
        ],
        office=[
            OfficeMatchOut(
                case_id=m.case.pk,
                case_number=m.case.number,
                participant=m.participant_name,
                count_total=m.count_total,
                citation=m.citation,
                offense_class=m.offense_class,
                outcome=m.outcome,
                disposed_on=m.disposed_on,
            )
            for m in results.office
        ],
        open_data=[
            HistoryMatchOut(
                release=r.release,
                participant_id=r.participant_id,
                received_on=r.received_on,
                count_total=r.count_total,
                citation=r.citation,
                offense_class=r.offense_class,
                offense_category=r.offense_category,
                outcome=r.outcome,
                disposed_on=r.disposed_on,
            )
            for r in results.history.rows
        ],
        releases=list(results.history.releases),
    )


class HistoryRowOut(Schema):
    dataset: str
    charge_id: str
    charge_count: int | None
    citation: str
    offense_class: str
    title: str
    received_on: dt.date | None
    disposed_on: dt.date | None
    disposition: str
    reason: str


@router.get(
    "/charging/history/{release}/{participant_id}",
    response={200: list[HistoryRowOut], 404: ErrorOut, **READ_ERRORS},
)
def history_rows(
    request: HttpRequest,
    release: Annotated[str, Field(max_length=64)],
    participant_id: Annotated[str, Field(max_length=32)],
) -> list[HistoryRowOut]:
    """The open-data rows of one participant of one release."""
    current_user(request)
    try:
        rows = participant_rows(release=release, participant_id=participant_id)
    except StoreError as exc:
        raise HttpError(404, "Not found.") from exc
    if not rows:
        raise HttpError(404, "Not found.")
    return [
        HistoryRowOut(
            dataset=r.dataset,
            charge_id=r.charge_id,
            charge_count=r.charge_count,
            citation=r.citation,
            offense_class=r.offense_class,
            title=r.title,
            received_on=r.received_on,
            disposed_on=r.disposed_on,
            disposition=r.disposition,
            reason=r.reason,
        )
        for r in rows
    ]
