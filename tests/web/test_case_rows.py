"""The case page's rows written in Python give the same HTML as the template loops they
replaced, escaping included, for any text (hypothesis)."""

from __future__ import annotations

import datetime as dt
import re

from django.template import Context, Engine
from hypothesis import given, settings
from hypothesis import strategies as st

from evenhand.cases.selectors import ChargeLine, EventLine, ParticipantLine, RoleChangeLine
from evenhand.web.case_rows import charge_rows, event_items, participant_rows

ENGINE = Engine(libraries={"evenhand_tags": "evenhand.web.templatetags.evenhand_tags"})
# The loops as the template had them (cases/detail.html before the rows moved to Python).
PARTICIPANTS = ENGINE.from_string("""{% for p in rows %}
      <tr>
        <td>{{ p.full_name }}</td>
        <td>{{ p.aliases|join:", "|default:"—" }}</td>
        <td><strong>{{ p.role_label }}</strong></td>
        <td><ol class="history">{% for change in p.history %}
          <li>{{ change.changed_on }}: {% if change.from_label %}{{ change.from_label }} → {% endif %}{{ change.to_label }}{% if change.reason %} <span class="reason">({{ change.reason }})</span>{% endif %} <span class="by">by {{ change.changed_by }}</span></li>
        {% endfor %}</ol></td>
      </tr>{% endfor %}""")  # noqa: E501
CHARGES = ENGINE.from_string("""{% load evenhand_tags %}{% for c in rows %}
      <tr><td>{{ c.defendant }}</td><td>{{ c.count_number }}</td><td>{{ c.citation }}</td><td>{{ c.offense_title }}</td>
      <td title="{{ c.offense_class|class_label }}">{{ c.offense_class }}</td><td>v{{ c.version }}</td><td>{{ c.filed_on.isoformat }}</td></tr>{% endfor %}""")  # noqa: E501
EVENTS = ENGINE.from_string("""{% for e in rows %}
    <li><time datetime="{{ e.occurred_iso }}">{{ e.occurred_label }}</time> <span class="kind">{{ e.kind_label }}</span> {{ e.summary }} <span class="by">recorded by {{ e.recorded_by }}</span></li>{% endfor %}""")  # noqa: E501
WHEN = dt.datetime(2019, 2, 16, 18, 0, tzinfo=dt.UTC)
hostile = st.text(alphabet=st.sampled_from("<>&\"' aZ→—é/="), max_size=12)


def _same(html: str) -> str:
    """Whitespace between tags is layout only."""
    return re.sub(r">\s+<", "><", html.strip())


@settings(max_examples=60, deadline=None)
@given(
    names=st.lists(hostile, min_size=0, max_size=3),
    aliases=st.lists(hostile, max_size=3),
    reason=hostile,
    came_from=hostile,
)
def test_participant_rows_match_the_template(
    names: list[str], aliases: list[str], reason: str, came_from: str
) -> None:
    history = [RoleChangeLine(WHEN, came_from, "Suspect", reason, "Priya <Raman>")]
    rows = [
        ParticipantLine(i, i, name, "suspect", "Suspect & co", aliases, history)
        for i, name in enumerate(names)
    ]
    expected = PARTICIPANTS.render(Context({"rows": rows}))
    assert _same(participant_rows(rows)) == _same(expected)


@settings(max_examples=60, deadline=None)
@given(text=hostile, offense_class=st.sampled_from(["4", "X", "Z", "<b>"]))
def test_charge_rows_match_the_template(text: str, offense_class: str) -> None:
    rows = [ChargeLine(1, text, 3, text, text, offense_class, 2, dt.date(2019, 3, 7))]
    expected = CHARGES.render(Context({"rows": rows}))
    assert _same(charge_rows(rows)) == _same(expected)


@settings(max_examples=60, deadline=None)
@given(summary=hostile, by=hostile)
def test_event_items_match_the_template(summary: str, by: str) -> None:
    rows = [EventLine(1, WHEN, "arrest", "Arrest <x>", summary, by)]
    expected = EVENTS.render(Context({"rows": rows}))
    assert _same(event_items(rows)) == _same(expected)
