"""Small-cell suppression for published tables of counts.

A published table has rows (groups: years, races...) of count cells and a total row that is
the column-wise sum of all rows. A row is withheld whole when any of its cells is below the
threshold; zero counts are withheld too, since "nobody in this group" is itself a statement
about everyone in it. Withholding only those rows is not enough: the total minus the published
rows gives back the withheld ones. So rows are withheld until, in every column, what the
withheld rows add up to is at least the threshold (and at least two rows are withheld); then
no withheld cell can be worked out, only a sum at least as large as the threshold.

The total is judged on its own cells, so that it is published or withheld alike whichever way
the table is grouped; when it is withheld every row is too (each row is no larger than it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Suppression:
    rows: frozenset[int]  # indexes of the withheld rows
    total: bool  # whether the total row is withheld


def _small(cells: Sequence[int], threshold: int) -> bool:
    return any(cell < threshold for cell in cells)


def suppress(rows: Sequence[Sequence[int]], total: Sequence[int], threshold: int) -> Suppression:
    """Which rows (and whether the total) to withhold so no cell below `threshold` shows."""
    if threshold < 1:
        msg = "The suppression threshold must be at least 1."
        raise ValueError(msg)
    if _small(total, threshold):
        return Suppression(rows=frozenset(range(len(rows))), total=True)
    withheld = {index for index, cells in enumerate(rows) if _small(cells, threshold)}
    # Smallest rows first, so that complementary withholding hides as little as it can.
    candidates = sorted(
        (index for index in range(len(rows)) if index not in withheld),
        key=lambda index: (sum(rows[index]), index),
    )
    while withheld and candidates and not _safe(rows, withheld, len(total), threshold):
        withheld.add(candidates.pop(0))
    return Suppression(rows=frozenset(withheld), total=False)


def _safe(rows: Sequence[Sequence[int]], withheld: set[int], columns: int, threshold: int) -> bool:
    if len(withheld) < 2:  # one withheld row is the total minus the published ones
        return False
    return all(
        sum(rows[index][column] for index in withheld) >= threshold for column in range(columns)
    )
