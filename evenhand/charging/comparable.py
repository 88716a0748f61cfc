"""The comparable-dispositions search: one query, from a case or free-standing, over the
office's own cases (only those the user may see, through the policy) and the open data."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count

from evenhand.accounts.models import User
from evenhand.analytics.queries.comparable import (
    HistoryCriteria,
    HistoryMatches,
    comparable_history,
)
from evenhand.analytics.queries.consistency import (
    OUTCOME_PRIORITY,
    default_releases,
    section_family,
)
from evenhand.analytics.queries.outcomes import Outcome, outcome_of
from evenhand.cases.models import Case, Charge
from evenhand.dispositions.models import ChargeDisposition
from evenhand.dispositions.vocabulary import cook_county_value
from evenhand.jurisdictions.ruleset import active_ruleset
from evenhand.screening.policies import CaseAction, visible_cases

# "Ended in nolle prosequi, deferred prosecution, a diversion programme, or a plea."
SEARCH_OUTCOMES = frozenset({Outcome.PROSECUTOR_DISMISSAL, Outcome.DIVERSION, Outcome.GUILTY_PLEA})


@dataclass(frozen=True)
class ComparableFilters:
    statute_key: str = ""
    offense_class: str = ""
    offense_category: str = ""
    min_counts: int = 1
    max_counts: int = 10_000
    year_from: int = 1900
    year_to: int = 2999
    outcomes: frozenset[Outcome] = SEARCH_OUTCOMES

    def history_criteria(self) -> HistoryCriteria:
        statute = active_ruleset().statutes.get(self.statute_key) if self.statute_key else None
        return HistoryCriteria(
            chapter=statute.chapter if statute else "",
            act=statute.act if statute else "",
            section_family=section_family(statute.section) if statute else "",
            offense_class=self.offense_class,
            offense_category=self.offense_category,
            min_counts=self.min_counts,
            max_counts=self.max_counts,
            date_from=dt.date(self.year_from, 1, 1),
            date_to=dt.date(self.year_to, 12, 31),
        )


@dataclass(frozen=True)
class OfficeMatch:
    case: Case
    participant_name: str
    count_total: int
    citation: str
    offense_class: str
    outcome: Outcome
    disposed_on: dt.date | None


@dataclass(frozen=True)
class ComparableResults:
    filters: ComparableFilters
    office: list[OfficeMatch]
    history: HistoryMatches
    office_counts: dict[Outcome, int] = field(default_factory=dict)

    @property
    def total_counts(self) -> list[tuple[Outcome, int, int]]:
        """Per outcome: office participants, open-data participants."""
        return [
            (outcome, self.office_counts.get(outcome, 0), self.history.counts.get(outcome, 0))
            for outcome in sorted(self.filters.outcomes, key=OUTCOME_PRIORITY.__getitem__)
        ]


def _statute_keys(filters: ComparableFilters) -> list[str] | None:
    """Ruleset statutes in the same section as the chosen one, or None for any statute."""
    statutes = active_ruleset().statutes
    if not filters.statute_key or filters.statute_key not in statutes:
        return None
    chosen = statutes[filters.statute_key]
    family = (chosen.chapter, chosen.act, section_family(chosen.section))
    return [
        s.key for s in statutes.values() if (s.chapter, s.act, section_family(s.section)) == family
    ]


def _office_outcome(disposition: ChargeDisposition) -> Outcome:
    if disposition.enrolment_id is not None:
        return Outcome.DIVERSION
    return outcome_of(cook_county_value(disposition.kind))


def office_comparables(*, user: User, filters: ComparableFilters) -> list[OfficeMatch]:
    """The office's disposed defendants charged like the filters, on cases the user may see."""
    charges = Charge.objects.filter(
        case__in=visible_cases(user, CaseAction.VIEW),
        is_current=True,
        case__received_on__year__gte=filters.year_from,
        case__received_on__year__lte=filters.year_to,
    )
    keys = _statute_keys(filters)
    if keys is not None:
        charges = charges.filter(statute_key__in=keys)
    if filters.offense_class:
        charges = charges.filter(offense_class=filters.offense_class.upper())
    if filters.offense_category:
        category_keys = [
            s.key
            for s in active_ruleset().statutes.values()
            if s.offense_category == filters.offense_category
        ]
        charges = charges.filter(statute_key__in=category_keys)
    per_participant = {
        row["participant"]: row["n"]
        for row in charges.values("participant").annotate(n=Count("pk"))
        if filters.min_counts <= row["n"] <= filters.max_counts
    }
    dispositions = (
        ChargeDisposition.objects.filter(
            charge__participant_id__in=per_participant, is_current=True
        )
        .select_related("charge__case", "charge__participant__person")
        .order_by("charge__participant_id", "disposed_on")
    )
    ended: dict[int, OfficeMatch] = {}
    for disposition in dispositions:
        charge = disposition.charge
        outcome = _office_outcome(disposition)
        known = ended.get(charge.participant_id)
        if known is not None and OUTCOME_PRIORITY[known.outcome] <= OUTCOME_PRIORITY[outcome]:
            continue
        ended[charge.participant_id] = OfficeMatch(
            case=charge.case,
            participant_name=charge.participant.person.full_name,
            count_total=per_participant[charge.participant_id],
            citation=charge.citation,
            offense_class=charge.offense_class,
            outcome=outcome,
            disposed_on=disposition.disposed_on,
        )
    return sorted(
        (match for match in ended.values() if match.outcome in filters.outcomes),
        key=lambda m: (m.case.received_on, m.case.pk),
        reverse=True,
    )


def comparable_dispositions(
    *, user: User, filters: ComparableFilters, releases: tuple[str, ...] | None = None
) -> ComparableResults:
    office = office_comparables(user=user, filters=filters)
    history = comparable_history(
        filters.history_criteria(),
        outcomes=filters.outcomes,
        releases=default_releases() if releases is None else releases,
    )
    return ComparableResults(
        filters=filters,
        office=office,
        history=history,
        office_counts=dict(Counter(match.outcome for match in office)),
    )
