"""For any history, the one aggregate lookup gives the brute-force answer, and the percentile is a
monotone function of the count total."""

from __future__ import annotations

import datetime as dt

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evenhand.analytics.queries.consistency import (
    GroupPosition,
    Period,
    Proposal,
    compare_on,
    register_vocabularies,
)
from evenhand.analytics.queries.runners import DuckDBRunner

SECTIONS = ["26-1(a)(4)", "26-1(a)(6)", "16-1(a)(1)"]
CLASSES = ["4", "3"]

# (participant, charge number, section index, class index, year)
charge = st.tuples(
    st.integers(1, 12),
    st.integers(1, 20),
    st.integers(0, 2),
    st.integers(0, 1),
    st.integers(2018, 2019),
)


def _runner(charges: list[tuple[int, int, int, int, int]]) -> DuckDBRunner:
    connection = duckdb.connect(":memory:")
    connection.execute(
        "CREATE TABLE initiation (release VARCHAR, case_participant_id VARCHAR, charge_id VARCHAR,"
        " received_date DATE, chapter VARCHAR, act VARCHAR, section VARCHAR, class VARCHAR,"
        " offense_category VARCHAR, updated_offense_category VARCHAR)"
    )
    # A participant's case is received once: its year is that of its first charge drawn.
    year_of: dict[int, int] = {}
    for participant, _, _, _, year in charges:
        year_of.setdefault(participant, year)
    connection.executemany(
        "INSERT INTO initiation VALUES ('r', ?, ?, ?, '720', '5', ?, ?, 'Other Offense', NULL)",
        [
            (str(p), f"{p}-{n}", dt.date(year_of[p], 3, 1), SECTIONS[s], CLASSES[c])
            for p, n, s, c, _ in charges
        ],
    )
    # No dispositions: the outcomes are empty, the positions are what this test is about.
    connection.execute(
        "CREATE TABLE dispositions (release VARCHAR, case_participant_id VARCHAR,"
        " charge_id VARCHAR, charge_disposition VARCHAR, charge_disposition_reason VARCHAR,"
        " disposition_charged_class VARCHAR)"
    )
    register_vocabularies(connection)
    runner = DuckDBRunner(connection)
    for table in ("charge_rows", "count_histogram", "outcome_counts"):
        runner.create_table(table, table)
    return runner


def _brute_force_section(
    charges: list[tuple[int, int, int, int, int]], count_total: int
) -> tuple[int, int, int, int]:
    year_of: dict[int, int] = {}
    for participant, _, _, _, year in charges:
        year_of.setdefault(participant, year)
    per_participant: dict[int, set[int]] = {}
    for participant, number, section, _, _ in charges:
        if SECTIONS[section].startswith("26-1") and year_of[participant] == 2019:
            per_participant.setdefault(participant, set()).add(number)
    totals = [len(numbers) for numbers in per_participant.values()]
    if not totals:
        return (0, 0, 0, 0)
    return (
        len(totals),
        sum(t < count_total for t in totals),
        sum(t == count_total for t in totals),
        max(totals),
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(charges=st.lists(charge, min_size=1, max_size=60), count_total=st.integers(1, 25))
def test_the_lookup_equals_the_brute_force_answer(
    charges: list[tuple[int, int, int, int, int]], count_total: int
) -> None:
    runner = _runner(charges)
    proposal = Proposal(
        chapter="720",
        act="5",
        section="26-1(a)(4)",
        offense_class="4",
        offense_category="Other Offense",
        count_total=count_total,
    )
    found = compare_on(runner, proposal, period=Period(2019, 2019), releases=("r",))
    section = found.position("section")
    expected = _brute_force_section(charges, count_total)
    assert (section.participants, section.below, section.equal, section.highest) == expected
    # The chart shows the narrowest group with history; with any 26-1 charge that is 26-1.
    if expected[0]:
        assert sum(n for _, n in found.distribution) == expected[0]


@given(
    below=st.integers(0, 1000),
    equal=st.integers(0, 1000),
    above=st.integers(0, 1000),
    more_below=st.integers(0, 1000),
)
def test_the_percentile_is_bounded_and_grows_with_the_count(
    below: int, equal: int, above: int, more_below: int
) -> None:
    total = below + equal + above
    position = GroupPosition("section", total, below, equal, highest=1)
    assert 0 <= position.percentile <= 100
    # Moving participants from "as many or more" to "fewer" never lowers the percentile.
    moved = min(more_below, equal + above)
    higher = GroupPosition("section", total, below + moved, max(equal - moved, 0), highest=1)
    if moved <= equal:
        assert higher.percentile >= position.percentile
