"""The consistency check on the real December-2019 Cook County release (SCENARIO step 6).

"Charged under 720 ILCS 5/26-1 that year": participants with at least one initiation charge
whose chapter/act/section is 720 / 5 / 26-1 with any subsection, in cases the office received
in 2019. A participant's "count total" is the number of its distinct initiation charges in that
section. The copy in shared/ is a cut of the release (initiation: the first 55,411 of its
73,029 rows, SCHEMA/README), which holds 69 such participants, not the 108 the scenario
counted on the whole release; the 16-count indictment is the highest among them either way.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evenhand.analytics.queries.consistency import Period, compare
from evenhand.analytics.queries.outcomes import Outcome
from evenhand.charging.consistency import proposal_for, rationale_threshold, verdict_for
from evenhand.jurisdictions.ruleset import active_ruleset

pytestmark = pytest.mark.django_db
FALSE_REPORT = "720-5/26-1(a)(4)"
YEAR_2019 = Period(2019, 2019)


def test_sixteen_counts_is_the_highest_count_total_under_section_26_1(with_2019: Path) -> None:
    statute = active_ruleset().statute(FALSE_REPORT)
    comparison = compare(proposal_for(statute, 16), period=YEAR_2019)
    section = comparison.position("section")
    assert section.participants == 69
    assert section.highest == 16
    assert (section.below, section.equal, section.above) == (68, 1, 0)
    assert comparison.primary.group == "section"
    # The chart's distribution is the section group's: one participant at 16.
    assert dict(comparison.distribution)[16] == 1
    assert sum(n for _, n in comparison.distribution) == 69


def test_where_sixteen_counts_falls_for_class_4_overall(with_2019: Path) -> None:
    statute = active_ruleset().statute(FALSE_REPORT)
    comparison = compare(proposal_for(statute, 16), period=YEAR_2019)
    class_4 = comparison.position("class")
    assert class_4.participants == 12_287
    assert class_4.highest == 24
    assert class_4.percentile > 99
    # No participant in 2019 carries the ruleset's category for this statute.
    assert comparison.position("class_category").participants == 0


def test_outcomes_and_class_reductions_of_the_comparable_charges(with_2019: Path) -> None:
    statute = active_ruleset().statute(FALSE_REPORT)
    comparison = compare(proposal_for(statute, 16), period=YEAR_2019)
    section = comparison.outcomes["section"]
    shares = {share.outcome: share.charges for share in section.shares}
    assert shares[Outcome.GUILTY_PLEA] == 15
    assert shares[Outcome.PROSECUTOR_DISMISSAL] == 6
    assert section.charges == 23
    assert (section.reduced, section.ranked) == (9, 23)
    # Programme graduates are counted as diversion, whatever the disposition value says.
    assert {s.outcome for s in comparison.outcomes["all"].shares} >= {Outcome.DIVERSION}


def test_the_verdict_requires_a_rationale_above_the_ruleset_percentile(with_2019: Path) -> None:
    statute = active_ruleset().statute(FALSE_REPORT)
    outlier = verdict_for(statute=statute, count_total=16, period=YEAR_2019)
    assert outlier.is_highest
    assert outlier.percentile == pytest.approx(99.3)
    assert outlier.rationale_required
    ordinary = verdict_for(statute=statute, count_total=1, period=YEAR_2019)
    assert ordinary.percentile is not None
    assert ordinary.percentile < rationale_threshold()
    assert not ordinary.rationale_required
    assert not ordinary.is_highest


def test_a_year_without_history_gives_no_percentile(with_2019: Path) -> None:
    statute = active_ruleset().statute(FALSE_REPORT)
    verdict = verdict_for(statute=statute, count_total=16, period=Period(2010, 2010))
    assert not verdict.has_history
    assert verdict.percentile is None
    assert not verdict.rationale_required
