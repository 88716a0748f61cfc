"""The consistency verdict on a proposed charging decision: the analytics comparison plus the
office's rule (from the ruleset) on when a written rationale is required."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from evenhand.analytics.queries.consistency import (
    GROUPS,
    Comparison,
    Period,
    Proposal,
    compare,
)
from evenhand.jurisdictions.ruleset import RulesetError, Statute, active_ruleset


def rationale_threshold() -> float:
    rules = active_ruleset().charging
    if rules is None:
        msg = "The ruleset has no [charging] section with a rationale percentile."
        raise RulesetError(msg)
    return rules.rationale_percentile


def proposal_for(statute: Statute, count_total: int) -> Proposal:
    return Proposal(
        chapter=statute.chapter,
        act=statute.act,
        section=statute.section,
        offense_class=statute.offense_class,
        offense_category=statute.offense_category,
        count_total=count_total,
    )


@dataclass(frozen=True)
class Verdict:
    comparison: Comparison
    threshold: float

    @property
    def has_history(self) -> bool:
        return self.comparison.primary.participants > 0

    @property
    def percentile(self) -> float | None:
        return self.comparison.primary.percentile if self.has_history else None

    @property
    def rationale_required(self) -> bool:
        return self.percentile is not None and self.percentile > self.threshold

    @property
    def is_highest(self) -> bool:
        primary = self.comparison.primary
        return self.has_history and self.comparison.proposal.count_total >= primary.highest

    def snapshot(self) -> dict[str, Any]:
        """What the decision keeps: every group's position and outcomes, and the data used."""
        comparison = self.comparison
        return {
            "count_total": comparison.proposal.count_total,
            "period": [comparison.period.year_from, comparison.period.year_to],
            "releases": list(comparison.releases),
            "primary_group": comparison.primary.group,
            "threshold": self.threshold,
            "is_highest": self.is_highest,
            "groups": {
                group: {
                    "participants": comparison.positions[group].participants,
                    "below": comparison.positions[group].below,
                    "equal": comparison.positions[group].equal,
                    "highest": comparison.positions[group].highest,
                    "percentile": comparison.positions[group].percentile,
                    "outcomes": {
                        share.outcome.value: share.charges
                        for share in comparison.outcomes[group].shares
                    },
                    "class_reduced": comparison.outcomes[group].reduced,
                    "class_ranked": comparison.outcomes[group].ranked,
                }
                for group in GROUPS
            },
            "distribution": [list(pair) for pair in comparison.distribution],
        }


def verdict_for(
    *,
    statute: Statute,
    count_total: int,
    period: Period,
    releases: tuple[str, ...] | None = None,
) -> Verdict:
    comparison = compare(proposal_for(statute, count_total), period=period, releases=releases)
    return Verdict(comparison=comparison, threshold=rationale_threshold())
