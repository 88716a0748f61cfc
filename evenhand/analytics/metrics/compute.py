"""Compute a metric over one release of the analytics store, suppressed for publication.

Only `compute_metric` output (and `filter_options`) is fit to show the public:
`metric_cells` returns the raw counts and exists for the suppression and round-trip tests.
"""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass
from typing import Any

import duckdb

from evenhand.jurisdictions.ruleset import Ruleset

from .definitions import Metric, MetricKind
from .suppression import suppress

NOT_RECORDED = "Not recorded"
TOTAL_LABEL = "All"


class Dimension(enum.StrEnum):
    YEAR = "year"
    OFFENSE_CATEGORY = "offense_category"
    OFFENSE_CLASS = "offense_class"
    RACE = "race"
    GENDER = "gender"

    @property
    def label(self) -> str:
        return {
            "year": "Year",
            "offense_category": "Offence category",
            "offense_class": "Class",
            "race": "Race",
            "gender": "Gender",
        }[self.value]


_GROUP_SQL = {
    Dimension.YEAR: "CAST(EXTRACT(YEAR FROM period_date) AS VARCHAR)",
    Dimension.OFFENSE_CATEGORY: "offense_category",
    Dimension.OFFENSE_CLASS: "offense_class",
    Dimension.RACE: "race",
    Dimension.GENDER: "gender",
}


@dataclass(frozen=True)
class MetricFilters:
    release: str
    offense_category: str = ""
    offense_class: str = ""
    race: str = ""
    gender: str = ""
    year_from: int | None = None
    year_to: int | None = None
    group_by: Dimension = Dimension.YEAR

    def cache_key(self) -> str:
        return "|".join(
            str(part)
            for part in (
                self.release,
                self.offense_category,
                self.offense_class,
                self.race,
                self.gender,
                self.year_from,
                self.year_to,
                self.group_by.value,
            )
        )


@dataclass(frozen=True)
class RawCell:
    label: str
    units: int
    hits: int
    median_days: float | None


@dataclass(frozen=True)
class MetricRow:
    """One published row; every figure is None when the row is withheld."""

    label: str
    units: int | None
    hits: int | None
    value: float | None
    suppressed: bool


@dataclass(frozen=True)
class MetricResult:
    metric: Metric
    filters: MetricFilters
    applicable: bool  # False when a class filter or grouping meets a metric without classes
    threshold: int
    rows: tuple[MetricRow, ...]
    total: MetricRow

    @property
    def suppressed_rows(self) -> int:
        return sum(1 for row in self.rows if row.suppressed)


def applies(metric: Metric, filters: MetricFilters) -> bool:
    uses_class = bool(filters.offense_class) or filters.group_by is Dimension.OFFENSE_CLASS
    return metric.has_class or not uses_class


def materialize_base(
    conn: duckdb.DuckDBPyConnection, metric: Metric, release: str, *, ruleset: Ruleset
) -> str:
    """Store a metric's base rows for one release as a table in `conn`; returns its name.

    Every filter set then aggregates a small table of one row per unit instead of re-reading
    the Parquet files, which is what makes an uncached filter set cheap.
    """
    digest = hashlib.sha256(release.encode()).hexdigest()[:12]
    name = f"base_{metric.key}_{digest}"
    conn.execute(
        f"CREATE TABLE IF NOT EXISTS {name} AS {metric.base(ruleset)}",
        {"release": release},
    )
    return name


def _where(filters: MetricFilters, *, with_release: bool) -> tuple[str, dict[str, Any]]:
    clauses: list[str] = []
    params: dict[str, Any] = {"release": filters.release} if with_release else {}
    for column in ("offense_category", "offense_class", "race", "gender"):
        value = getattr(filters, column)
        if value:
            clauses.append(f"{column} = ${column}")
            params[column] = value
    if filters.year_from is not None:
        clauses.append("EXTRACT(YEAR FROM period_date) >= $year_from")
        params["year_from"] = filters.year_from
    if filters.year_to is not None:
        clauses.append("EXTRACT(YEAR FROM period_date) <= $year_to")
        params["year_to"] = filters.year_to
    return (" AND ".join(clauses) or "TRUE"), params


def metric_cells(
    conn: duckdb.DuckDBPyConnection,
    metric: Metric,
    filters: MetricFilters,
    *,
    ruleset: Ruleset,
    base_table: str | None = None,
) -> tuple[list[RawCell], RawCell]:
    """Raw, unsuppressed counts per group and in total. Never publish these.

    `base_table` names the metric's base rows for `filters.release` made by
    `materialize_base`; without it the base query runs on the store's views.
    """
    where, params = _where(filters, with_release=base_table is None)
    group = _GROUP_SQL[filters.group_by]
    aggregates = (
        "COUNT(*) AS units, COALESCE(SUM(hit), 0) AS hits, "
        "percentile_cont(0.5) WITHIN GROUP (ORDER BY days) AS median_days"
    )
    # base_table is a name materialize_base made from constants and a digest.
    source = f"SELECT * FROM {base_table}" if base_table else metric.base(ruleset)  # noqa: S608
    base = f"WITH base AS ({source}) "
    grouped = conn.execute(
        base + f"SELECT {group} AS label, {aggregates} FROM base WHERE {where} "  # noqa: S608 - constant SQL, values bound
        f"GROUP BY {group} ORDER BY label NULLS LAST",
        params,
    ).fetchall()
    total = conn.execute(
        base + f"SELECT {aggregates} FROM base WHERE {where}",  # noqa: S608 - constant SQL, values bound
        params,
    ).fetchone()
    if total is None:  # an aggregate without GROUP BY always yields one row
        msg = "DuckDB returned no row for an aggregate"
        raise RuntimeError(msg)
    cells = [
        RawCell(
            label=NOT_RECORDED if label is None or label == "" else str(label),
            units=int(units),
            hits=int(hits),
            median_days=None if median is None else float(median),
        )
        for label, units, hits, median in grouped
    ]
    if filters.group_by is Dimension.OFFENSE_CLASS:
        # Most serious first, as the ruleset ranks classes; unknown codes last.
        cells.sort(key=lambda cell: (ruleset.offense_class(cell.label).rank, cell.label))
    return cells, RawCell(
        label=TOTAL_LABEL,
        units=int(total[0]),
        hits=int(total[1]),
        median_days=None if total[2] is None else float(total[2]),
    )


def published_counts(metric: Metric, cell: RawCell) -> tuple[int, ...]:
    """The counts a published row reveals, directly or by subtraction."""
    if metric.kind is MetricKind.RATE:
        return (cell.hits, cell.units - cell.hits)
    return (cell.units,)


def _value(metric: Metric, cell: RawCell) -> float | None:
    if metric.kind is MetricKind.RATE:
        return cell.hits / cell.units if cell.units else None
    if metric.kind is MetricKind.MEDIAN_DAYS:
        return cell.median_days
    return float(cell.units)


def _row(metric: Metric, cell: RawCell, *, suppressed: bool) -> MetricRow:
    if suppressed:
        return MetricRow(label=cell.label, units=None, hits=None, value=None, suppressed=True)
    return MetricRow(
        label=cell.label,
        units=cell.units,
        hits=cell.hits if metric.kind is MetricKind.RATE else None,
        value=_value(metric, cell),
        suppressed=False,
    )


def compute_metric(
    conn: duckdb.DuckDBPyConnection,
    metric: Metric,
    filters: MetricFilters,
    *,
    ruleset: Ruleset,
    threshold: int,
    base_table: str | None = None,
) -> MetricResult:
    """The metric as it may be published: small cells and their complements withheld."""
    if not applies(metric, filters):
        empty = MetricRow(label=TOTAL_LABEL, units=None, hits=None, value=None, suppressed=False)
        return MetricResult(
            metric=metric,
            filters=filters,
            applicable=False,
            threshold=threshold,
            rows=(),
            total=empty,
        )
    cells, total = metric_cells(conn, metric, filters, ruleset=ruleset, base_table=base_table)
    decision = suppress(
        [published_counts(metric, cell) for cell in cells],
        published_counts(metric, total),
        threshold,
    )
    return MetricResult(
        metric=metric,
        filters=filters,
        applicable=True,
        threshold=threshold,
        rows=tuple(
            _row(metric, cell, suppressed=index in decision.rows)
            for index, cell in enumerate(cells)
        ),
        total=_row(metric, total, suppressed=decision.total),
    )


_OPTION_SQL = {
    "offense_category": "SELECT offense_category FROM {dataset} WHERE release = $release",
    "race": "SELECT race FROM {dataset} WHERE release = $release",
    "gender": "SELECT gender FROM {dataset} WHERE release = $release",
}
_OPTION_DATASETS = ("intake", "initiation", "dispositions", "diversion")


def filter_options(
    conn: duckdb.DuckDBPyConnection, *, release: str, ruleset: Ruleset, threshold: int
) -> dict[str, list[str]]:
    """Values offered in the filters: only those shared by at least `threshold` records.

    Listing a value that only one person has would itself tell that such a person exists.
    """
    options: dict[str, list[str]] = {}
    for column, template in _OPTION_SQL.items():
        union = " UNION ALL ".join(template.format(dataset=dataset) for dataset in _OPTION_DATASETS)
        rows = conn.execute(
            f"SELECT {column} FROM ({union}) AS v WHERE {column} IS NOT NULL "  # noqa: S608 - constant SQL
            f"GROUP BY {column} HAVING COUNT(*) >= $threshold ORDER BY {column}",
            {"release": release, "threshold": threshold},
        ).fetchall()
        options[column] = [str(value) for (value,) in rows if str(value).strip()]
    classes = conn.execute(
        "SELECT class FROM initiation WHERE release = $release AND class IS NOT NULL "
        "GROUP BY class HAVING COUNT(*) >= $threshold",
        {"release": release, "threshold": threshold},
    ).fetchall()
    present = {str(value) for (value,) in classes}
    options["offense_class"] = [
        code for code in (*ruleset.classes, *sorted(present)) if code in present
    ]
    options["offense_class"] = list(dict.fromkeys(options["offense_class"]))
    return options


def releases(conn: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(release, source) pairs present in the store, the office's own release first."""
    union = " UNION ".join(
        f"SELECT DISTINCT release, source FROM {dataset}"  # noqa: S608 - constant names
        for dataset in _OPTION_DATASETS
    )
    query = f"SELECT DISTINCT release, source FROM ({union}) AS r"  # noqa: S608 - constant names
    rows = conn.execute(query).fetchall()
    return sorted(
        ((str(release), str(source)) for release, source in rows if release is not None),
        key=lambda pair: (pair[1] != "office", pair[0]),
    )
