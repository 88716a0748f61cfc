"""The case page's row lists (participants with their role history, current charges, events),
written in Python rather than by template loops.

The Django template engine spends several microseconds on every variable node, and these loops
hold most of the page's nodes: writing them here keeps the case page within its budget
(bench/RESULTS.md §1). Every value is escaped exactly as the template's autoescaping would
(`html.escape` with quotes, which is what `django.utils.html.escape` does).
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from django.utils.safestring import SafeString, mark_safe

from evenhand.cases.selectors import ChargeLine, EventLine, ParticipantLine, RoleChangeLine
from evenhand.jurisdictions.ruleset import active_ruleset


def _history_item(change: RoleChangeLine) -> str:
    came_from = f"{escape(change.from_label)} → " if change.from_label else ""
    reason = f' <span class="reason">({escape(change.reason)})</span>' if change.reason else ""
    return (
        f"<li>{escape(change.changed_on)}: {came_from}{escape(change.to_label)}{reason}"
        f' <span class="by">by {escape(change.changed_by)}</span></li>'
    )


def participant_rows(participants: Iterable[ParticipantLine]) -> SafeString:
    rows = []
    for participant in participants:
        aliases = ", ".join(escape(alias) for alias in participant.aliases) or "—"
        history = "".join(_history_item(change) for change in participant.history)
        rows.append(
            f"<tr><td>{escape(participant.full_name)}</td><td>{aliases}</td>"
            f"<td><strong>{escape(participant.role_label)}</strong></td>"
            f'<td><ol class="history">{history}</ol></td></tr>'
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every value above is escaped


def charge_rows(charges: Iterable[ChargeLine]) -> SafeString:
    ruleset = active_ruleset()
    rows = [
        f"<tr><td>{escape(charge.defendant)}</td><td>{charge.count_number}</td>"
        f"<td>{escape(charge.citation)}</td><td>{escape(charge.offense_title)}</td>"
        f'<td title="{escape(ruleset.offense_class(charge.offense_class).label)}">'
        f"{escape(charge.offense_class)}</td><td>v{charge.version}</td>"
        f"<td>{charge.filed_on.isoformat()}</td></tr>"
        for charge in charges
    ]
    return mark_safe("\n".join(rows))  # noqa: S308 - every value above is escaped


def event_items(events: Iterable[EventLine]) -> SafeString:
    items = [
        f'<li><time datetime="{escape(event.occurred_iso)}">{escape(event.occurred_label)}</time>'
        f' <span class="kind">{escape(event.kind_label)}</span> {escape(event.summary)}'
        f' <span class="by">recorded by {escape(event.recorded_by)}</span></li>'
        for event in events
    ]
    return mark_safe("\n".join(items))  # noqa: S308 - every value above is escaped
