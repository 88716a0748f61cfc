"""The case page's links to the views of the same case, reversed once per route and filled in
per case: `{% url %}` reversing a dozen routes on every visit to a case was a third of the
page's rendering time."""

from __future__ import annotations

import functools

from django.core.exceptions import ImproperlyConfigured
from django.urls import get_script_prefix, reverse

# Template name -> URL name; each route takes the case's id as its only argument.
CASE_ROUTES = {
    "audit": "case-audit",
    "conflict_check": "case-conflict-check",
    "contact": "case-contact",
    "dispositions": "case-dispositions",
    "edit": "case-edit",
    "event": "case-event",
    "participant_add": "case-participant-add",
    "relationships": "case-relationships",
    "role": "case-role",
    "team": "case-team",
    "charging": "charging-case",
    "sealing": "sealing-case",
}
# An id no case has, to find where the id goes in each reversed path.
_MARK = 918_273_645_546_372_819


@functools.cache
def _around_the_id(name: str, prefix: str) -> tuple[str, str]:
    """The path before and after the case id. `prefix` (the script prefix, which `reverse`
    puts in front) is part of the key so a deployment under a sub-path stays right."""
    del prefix
    before, mark, after = reverse(name, args=[_MARK]).partition(str(_MARK))
    if not mark:
        msg = f"route {name!r} does not take the case id as its argument"
        raise ImproperlyConfigured(msg)
    return before, after


def case_links(case_id: int) -> dict[str, str]:
    """The paths of the case's views, by their template name (see CASE_ROUTES)."""
    prefix = get_script_prefix()
    links = {}
    for key, name in CASE_ROUTES.items():
        before, after = _around_the_id(name, prefix)
        links[key] = f"{before}{int(case_id)}{after}"
    return links
