"""Each metric's definition, checked against a release small enough to count by hand."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from evenhand.analytics import store
from evenhand.analytics.metrics.compute import (
    Dimension,
    MetricFilters,
    compute_metric,
    materialize_base,
    metric_cells,
)
from evenhand.analytics.metrics.definitions import METRICS_BY_KEY
from evenhand.jurisdictions.ruleset import active_ruleset

D = dt.date


def _people(rows: list[tuple[str, str, str]]) -> dict[str, list[object]]:
    return {
        "case_id": [f"c{p}" for p, _, _ in rows],
        "case_participant_id": [f"p{p}" for p, _, _ in rows],
        "race": [race for _, race, _ in rows],
        "gender": [gender for _, _, gender in rows],
        "offense_category": ["Narcotics"] * len(rows),
    }


def _charges(rows: list[tuple[str, str, bool, str]]) -> dict[str, list[object]]:
    """(person, charge id, primary, class) per charge."""
    return {
        "case_id": [f"c{p}" for p, _, _, _ in rows],
        "case_participant_id": [f"p{p}" for p, _, _, _ in rows],
        "charge_id": [c for _, c, _, _ in rows],
        "charge_version_id": [f"v{c}" for _, c, _, _ in rows],
        "primary_charge_flag": [primary for _, _, primary, _ in rows],
        "charge_count": [int(c[-1]) for _, c, _, _ in rows],
        "offense_category": ["Narcotics"] * len(rows),
        "race": ["Black"] * len(rows),
        "gender": ["Male"] * len(rows),
        "received_date": [D(2019, 1, 1)] * len(rows),
    }


@pytest.fixture
def hand_counted_release() -> str:
    intake = _people(
        [
            ("A", "Black", "Male"),
            ("B", "White", "Female"),
            ("C", "Black", "Male"),
            ("D", "Asian", "Male"),
        ]
    )
    intake["received_date"] = [D(2019, 1, 1), D(2019, 3, 1), D(2020, 1, 1), D(2020, 2, 1)]
    intake["felony_review_result"] = ["Approved", "Rejected", "Disregard", None]
    store.write_release("intake", "hand", pa.table(intake))
    initiation = _charges(
        [
            ("A", "a1", True, "2"),
            ("A", "a2", False, "X"),
            ("B", "b1", True, "4"),
            ("C", "c1", True, "2"),
        ]
    )
    initiation["class"] = ["2", "X", "4", "2"]
    store.write_release("initiation", "hand", pa.table(initiation))
    dispositions = _charges(
        [
            ("A", "a1", True, ""),
            ("A", "a2", False, ""),
            ("B", "b1", True, ""),
            ("C", "c1", True, ""),
            ("D", "d1", True, ""),
        ]
    )
    dispositions["disposition_charged_class"] = ["2", "X", "A", "2", "4"]
    dispositions["charge_disposition"] = [
        "Nolle Prosecution",
        "Nolle Prosecution",
        "Plea Of Guilty",
        "Verdict Guilty",
        "BFW",
    ]
    dispositions["disposition_date"] = [
        D(2019, 1, 6),
        D(2019, 1, 11),
        D(2019, 1, 21),
        D(2019, 1, 31),
        D(2019, 2, 1),
    ]
    store.write_release("dispositions", "hand", pa.table(dispositions))
    diversion = _people([("A", "Black", "Male"), ("B", "White", "Female"), ("C", "Black", "Male")])
    diversion["referral_date"] = [D(2019, 2, 1), D(2019, 3, 1), D(2020, 3, 1)]
    diversion["diversion_result"] = ["Graduated", "Failed", None]
    diversion["diversion_closed_date"] = [D(2019, 9, 1), D(2019, 10, 1), None]
    store.write_release("diversion", "hand", pa.table(diversion))
    return "hand"


@pytest.mark.parametrize(
    ("key", "units", "hits", "value"),
    [
        ("referrals", 4, 0, 4.0),
        ("felony_review_rejections", 3, 2, 2 / 3),
        ("filings", 3, 0, 3.0),
        ("diversion_referrals", 3, 0, 3.0),
        ("diversion_completion", 2, 1, 0.5),
        # A: both charges dropped; B pled; C was found guilty; D's warrant is not final.
        ("dismissals", 3, 1, 1 / 3),
        # B pled to a Class A misdemeanour on a Class 4 felony; C kept Class 2.
        ("charge_reductions", 2, 1, 0.5),
        # A 10 days, B 20, C 30.
        ("time_to_disposition", 3, 0, 20.0),
    ],
)
def test_metric_totals(
    hand_counted_release: str, key: str, units: int, hits: int, value: float
) -> None:
    result = compute_metric(
        store.connect(),
        METRICS_BY_KEY[key],
        MetricFilters(release=hand_counted_release),
        ruleset=active_ruleset(),
        threshold=1,
    )
    assert result.applicable
    assert result.total.units == units
    assert result.total.value == pytest.approx(value)
    if hits:
        assert result.total.hits == hits


def test_groups_and_filters(hand_counted_release: str) -> None:
    conn, ruleset = store.connect(), active_ruleset()
    referrals = METRICS_BY_KEY["referrals"]
    by_year, _ = metric_cells(conn, referrals, MetricFilters(release="hand"), ruleset=ruleset)
    assert [(c.label, c.units) for c in by_year] == [("2019", 2), ("2020", 2)]
    by_race, _ = metric_cells(
        conn, referrals, MetricFilters(release="hand", group_by=Dimension.RACE), ruleset=ruleset
    )
    assert [(c.label, c.units) for c in by_race] == [("Asian", 1), ("Black", 2), ("White", 1)]
    _, black_2019 = metric_cells(
        conn,
        referrals,
        MetricFilters(release="hand", race="Black", year_from=2019, year_to=2019),
        ruleset=ruleset,
    )
    assert black_2019.units == 1
    filings = METRICS_BY_KEY["filings"]
    by_class, _ = metric_cells(
        conn,
        filings,
        MetricFilters(release="hand", group_by=Dimension.OFFENSE_CLASS),
        ruleset=ruleset,
    )
    # A's primary charge is the Class 2 one, though the Class X count is more serious.
    assert [(c.label, c.units) for c in by_class] == [("2", 2), ("4", 1)]


def test_class_filter_does_not_apply_to_metrics_without_a_class(
    hand_counted_release: str,
) -> None:
    result = compute_metric(
        store.connect(),
        METRICS_BY_KEY["referrals"],
        MetricFilters(release=hand_counted_release, offense_class="4"),
        ruleset=active_ruleset(),
        threshold=1,
    )
    assert not result.applicable
    assert result.rows == ()


def test_releases_do_not_mix(hand_counted_release: str) -> None:
    other = pa.table({"case_participant_id": ["x"], "received_date": [D(2019, 5, 5)]})
    store.write_release("intake", "other", other)
    _, total = metric_cells(
        store.connect(),
        METRICS_BY_KEY["referrals"],
        MetricFilters(release="other"),
        ruleset=active_ruleset(),
    )
    assert total.units == 1


@pytest.mark.parametrize("dimension", list(Dimension))
def test_materialized_base_gives_the_same_cells(
    hand_counted_release: str, dimension: Dimension
) -> None:
    conn, ruleset = store.connect(), active_ruleset()
    filters = MetricFilters(release=hand_counted_release, group_by=dimension, year_from=2019)
    for metric in METRICS_BY_KEY.values():
        table = materialize_base(conn, metric, hand_counted_release, ruleset=ruleset)
        direct = metric_cells(conn, metric, filters, ruleset=ruleset)
        assert metric_cells(conn, metric, filters, ruleset=ruleset, base_table=table) == direct
