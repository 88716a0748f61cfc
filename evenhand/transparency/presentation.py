"""How a published metric reads: formatted figures and CSV rows.

Both take only `MetricResult`, whose withheld rows carry no figures, so nothing suppressed can
reach a page, a chart or a download by a formatting slip.
"""

from __future__ import annotations

from collections.abc import Iterator

from evenhand.analytics.metrics.compute import MetricResult, MetricRow
from evenhand.analytics.metrics.definitions import MetricKind
from evenhand.comms.export import spreadsheet_safe

WITHHELD = "withheld"

CSV_COLUMNS = (
    "metric",
    "release",
    "grouped_by",
    "group",
    "units",
    "numerator",
    "value",
    "value_unit",
    "withheld",
    "min_cell",
    "filters",
)


def value_unit(result: MetricResult) -> str:
    return {
        MetricKind.RATE: "share",
        MetricKind.COUNT: "count",
        MetricKind.MEDIAN_DAYS: "median days",
    }[result.metric.kind]


def display_value(result: MetricResult, row: MetricRow) -> str:
    if row.suppressed or row.value is None:
        return WITHHELD if row.suppressed else "—"
    if result.metric.kind is MetricKind.RATE:
        return f"{row.value:.1%}"
    if result.metric.kind is MetricKind.MEDIAN_DAYS:
        return f"{row.value:,.0f} days"
    return f"{row.value:,.0f}"


def filters_text(result: MetricResult) -> str:
    filters = result.filters
    parts = [
        f"{name}={value}"
        for name, value in (
            ("offense_category", filters.offense_category),
            ("class", filters.offense_class),
            ("race", filters.race),
            ("gender", filters.gender),
            ("year_from", filters.year_from),
            ("year_to", filters.year_to),
        )
        if value not in ("", None)
    ]
    return "; ".join(parts)


def _csv_value(result: MetricResult, row: MetricRow) -> str:
    if row.value is None:
        return ""
    if result.metric.kind is MetricKind.RATE:
        return f"{row.value:.4f}"
    return f"{row.value:.0f}"


def csv_rows(result: MetricResult) -> Iterator[list[str]]:
    """The header, one row per group, then the total; text cells neutralised for spreadsheets."""
    yield list(CSV_COLUMNS)
    if not result.applicable:
        return
    for row in (*result.rows, result.total):
        yield [
            spreadsheet_safe(cell)
            for cell in (
                result.metric.key,
                result.filters.release,
                result.filters.group_by.value,
                row.label,
                "" if row.units is None else str(row.units),
                "" if row.hits is None else str(row.hits),
                _csv_value(result, row),
                value_unit(result),
                "true" if row.suppressed else "false",
                str(result.threshold),
                filters_text(result),
            )
        ]
