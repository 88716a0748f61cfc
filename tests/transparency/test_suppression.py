"""Small-cell suppression: nothing below the threshold shows, nothing withheld can be derived."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evenhand.analytics.metrics.suppression import suppress

counts = st.integers(min_value=0, max_value=60)
tables = st.integers(min_value=1, max_value=2).flatmap(
    lambda columns: st.lists(st.tuples(*[counts] * columns), min_size=1, max_size=12)
)


def _totals(rows: list[tuple[int, ...]]) -> tuple[int, ...]:
    return tuple(sum(column) for column in zip(*rows, strict=True))


@settings(max_examples=400)
@given(rows=tables, threshold=st.integers(min_value=1, max_value=20))
def test_no_published_cell_below_threshold(rows: list[tuple[int, ...]], threshold: int) -> None:
    total = _totals(rows)
    decision = suppress(rows, total, threshold)
    for index, cells in enumerate(rows):
        if index not in decision.rows:
            assert all(cell >= threshold for cell in cells)
    if not decision.total:
        assert all(cell >= threshold for cell in total)


@settings(max_examples=400)
@given(rows=tables, threshold=st.integers(min_value=1, max_value=20))
def test_withheld_rows_cannot_be_recovered_from_the_totals(
    rows: list[tuple[int, ...]], threshold: int
) -> None:
    total = _totals(rows)
    decision = suppress(rows, total, threshold)
    if decision.total or not decision.rows:
        return
    published = [cells for index, cells in enumerate(rows) if index not in decision.rows]
    # What an intruder learns: the withheld rows' sum per column, and nothing finer.
    residual = tuple(
        t - p
        for t, p in zip(total, _totals(published) if published else (0,) * len(total), strict=True)
    )
    assert len(decision.rows) >= 2
    # With two or more unknown non-negative cells summing to at least the threshold, each
    # could be anything from 0 to that sum: no single withheld cell is determined, and the
    # sum itself is not a small cell.
    assert all(value >= threshold for value in residual)


def test_one_small_row_takes_the_next_smallest_with_it() -> None:
    rows = [(50,), (3,), (40,), (30,)]
    decision = suppress(rows, (123,), 11)
    assert decision.rows == frozenset({1, 3})
    assert not decision.total


def test_zero_is_withheld_like_any_small_count() -> None:
    rows = [(0, 40), (20, 25), (30, 30)]
    decision = suppress(rows, (50, 95), 11)
    assert 0 in decision.rows
    assert len(decision.rows) >= 2


def test_small_total_withholds_everything() -> None:
    decision = suppress([(4,), (5,)], (9,), 11)
    assert decision.total
    assert decision.rows == frozenset({0, 1})


def test_threshold_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        suppress([(1,)], (1,), 0)
