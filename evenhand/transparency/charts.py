"""Server-side SVG bar charts of published metrics (no script, nothing from elsewhere).

The SVG uses presentation attributes only: the content security policy forbids inline styles.
Every text is escaped. Withheld rows are drawn as an empty outlined bar marked "withheld",
so the chart shows that a group exists without showing anything about it.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from evenhand.analytics.metrics.compute import MetricResult

from .presentation import display_value

ROW_HEIGHT = 24
LABEL_WIDTH = 220
BAR_WIDTH = 360
VALUE_WIDTH = 110
WIDTH = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
LABEL_CHARS = 30


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def bar_chart(result: MetricResult, *, chart_id: str) -> SafeString:
    rows = result.rows
    largest = max((row.value or 0.0 for row in rows if not row.suppressed), default=0.0)
    if result.metric.kind.value == "rate":
        largest = max(largest, 1e-9)
    height = ROW_HEIGHT * max(len(rows), 1) + 8
    title = f"{result.metric.title} by {result.filters.group_by.label.lower()}"
    described = ", ".join(f"{row.label}: {display_value(result, row)}" for row in rows)
    parts = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" '
            f'width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" '
            f'aria-labelledby="{chart_id}-title {chart_id}-desc">'
        ),
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(described or "No data for these filters.")}</desc>',
    ]
    if not rows:
        parts.append(
            f'<text x="4" y="18" font-size="13" fill="#555">'
            f"{escape('No data for these filters.')}</text>"
        )
    for index, row in enumerate(rows):
        top = index * ROW_HEIGHT + 4
        middle = top + ROW_HEIGHT / 2 + 4
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{middle}" font-size="12" text-anchor="end" '
            f'fill="#222">{escape(_short(row.label))}</text>'
        )
        if row.suppressed:
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{top + 3}" width="{BAR_WIDTH}" '
                f'height="{ROW_HEIGHT - 6}" fill="none" stroke="#999" stroke-dasharray="4 3"/>'
            )
        else:
            length = 0.0 if largest <= 0 else (row.value or 0.0) / largest * BAR_WIDTH
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{top + 3}" width="{length:.1f}" '
                f'height="{ROW_HEIGHT - 6}" fill="#2f5d8a"/>'
            )
        parts.append(
            f'<text class="value" x="{LABEL_WIDTH + BAR_WIDTH + 6}" y="{middle}" font-size="12" '
            f'fill="{"#777" if row.suppressed else "#222"}">'
            f"{escape(display_value(result, row))}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
