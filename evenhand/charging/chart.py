"""A server-side SVG histogram of count totals with the decision marked.

The SVG carries a <title> and <desc> for screen readers, and every bar its own <title>; the
page shows the same numbers as a table, so nothing depends on seeing the chart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

WIDTH = 640
HEIGHT = 260
LEFT = 56
RIGHT = 16
TOP = 24
BOTTOM = 44


@dataclass(frozen=True)
class Bar:
    count_total: int
    participants: int


def histogram_svg(distribution: tuple[tuple[int, int], ...], *, marked: int, caption: str) -> str:
    """Bars for each count total found (log-scaled heights: one count dominates), the decision's
    count total drawn as a bar outline and a line even where history has none."""
    bars = [Bar(total, n) for total, n in distribution]
    totals = sorted({b.count_total for b in bars} | {marked})
    slots = len(totals)
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    slot = plot_width / max(slots, 1)
    peak = max((b.participants for b in bars), default=1)
    scale = math.log10(peak + 1) or 1.0
    by_total = {b.count_total: b.participants for b in bars}
    parts: list[str] = []
    desc = ", ".join(f"{n} with {t} count{'s' if t != 1 else ''}" for t, n in distribution)
    parts.append(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-labelledby="chart-title chart-desc" class="histogram" '
        f'data-testid="consistency-chart">'
    )
    parts.append(f'<title id="chart-title">{escape(caption)}</title>')
    parts.append(
        f'<desc id="chart-desc">Participants by count total: {escape(desc) or "none"}. '
        f"The proposed decision has {marked} count{'s' if marked != 1 else ''}.</desc>"
    )
    base = TOP + plot_height
    parts.append(f'<line x1="{LEFT}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}" stroke="#444"/>')
    for index, total in enumerate(totals):
        x = LEFT + index * slot + slot * 0.15
        width = slot * 0.7
        count = by_total.get(total, 0)
        height = plot_height * math.log10(count + 1) / scale if count else 0
        is_marked = total == marked
        fill = "#c0392b" if is_marked else "#4a6fa5"
        marker = ' data-marked="true"' if is_marked else ""
        parts.append(
            f'<rect x="{x:.1f}" y="{base - height:.1f}" width="{width:.1f}" '
            f'height="{height:.1f}" fill="{fill}"'
            f"{marker}>"
            f"<title>{count} participant{'s' if count != 1 else ''} with {total} "
            f"count{'s' if total != 1 else ''}</title></rect>"
        )
        label_y = base + 16
        parts.append(
            f'<text x="{x + width / 2:.1f}" y="{label_y}" font-size="11" '
            f'text-anchor="middle">{total}</text>'
        )
        if count:
            parts.append(
                f'<text x="{x + width / 2:.1f}" y="{base - height - 4:.1f}" font-size="10" '
                f'text-anchor="middle">{count}</text>'
            )
        if is_marked:
            parts.append(
                f'<line x1="{x + width / 2:.1f}" y1="{TOP - 8}" x2="{x + width / 2:.1f}" '
                f'y2="{base}" stroke="#c0392b" stroke-dasharray="4 3"/>'
                f'<text x="{x + width / 2:.1f}" y="{TOP - 10}" font-size="11" '
                f'text-anchor="middle" fill="#c0392b">this decision</text>'
            )
    parts.append(
        f'<text x="{LEFT + plot_width / 2:.0f}" y="{HEIGHT - 6}" font-size="12" '
        f'text-anchor="middle">count total per participant</text>'
    )
    parts.append(
        f'<text x="14" y="{TOP + plot_height / 2:.0f}" font-size="12" text-anchor="middle" '
        f'transform="rotate(-90 14 {TOP + plot_height / 2:.0f})">participants (log scale)</text>'
    )
    parts.append("</svg>")
    return "".join(parts)
