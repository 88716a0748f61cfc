"""Reads of the charging workflow. Every function takes the user and starts from the policy."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from evenhand.accounts.models import User
from evenhand.cases.models import Case, CaseStatus, Charge, Participant, ParticipantRole
from evenhand.screening.policies import CaseAction, CaseNotFoundError, access_case, visible_cases

from .models import ChargingDecision, FelonyReview, Referral


def intake_queue(*, user: User) -> QuerySet[Case]:
    """Cases at intake or in felony review that the user may see, oldest referral first."""
    return (
        visible_cases(user, CaseAction.VIEW)
        .filter(status__in=[CaseStatus.INTAKE, CaseStatus.FELONY_REVIEW])
        .prefetch_related(
            Prefetch("referrals", queryset=Referral.objects.order_by("-received_on")),
            Prefetch("felony_reviews", queryset=FelonyReview.objects.order_by("-reviewed_at")),
        )
        .order_by("received_on", "id")
    )


@dataclass(frozen=True)
class ChargingOverview:
    case: Case
    referrals: list[Referral]
    reviews: list[FelonyReview]
    decisions: list[ChargingDecision]
    defendants: list[Participant]
    charges: list[Charge]


def charging_overview(*, user: User, case_id: object) -> ChargingOverview:
    case = access_case(user, case_id, CaseAction.VIEW)
    return ChargingOverview(
        case=case,
        referrals=list(Referral.objects.filter(case=case).select_related("recorded_by")),
        reviews=list(FelonyReview.objects.filter(case=case).select_related("reviewer")),
        decisions=list(
            ChargingDecision.objects.filter(case=case).select_related(
                "participant__person", "decided_by"
            )
        ),
        defendants=list(
            Participant.objects.filter(case=case, role=ParticipantRole.DEFENDANT)
            .select_related("person")
            .order_by("id")
        ),
        charges=list(
            Charge.objects.filter(case=case)
            .select_related("participant__person")
            .order_by("participant_id", "count_number", "version")
        ),
    )


def decision_detail(*, user: User, decision_id: int) -> ChargingDecision:
    """A decision on a case the user may see; a missing one is reported like a hidden case."""
    decision = (
        ChargingDecision.objects.select_related("participant__person", "decided_by")
        .filter(pk=decision_id)
        .first()
    )
    # The case is fetched through the policy either way, so a refusal is logged alike.
    case = access_case(user, decision.case_id if decision else 0, CaseAction.VIEW)
    if decision is None:
        raise CaseNotFoundError
    decision.case = case
    return decision


def decision_charges(decision: ChargingDecision) -> list[Charge]:
    return list(decision.charges.order_by("count_number", "version"))
