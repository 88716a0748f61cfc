from __future__ import annotations

from django.http import HttpRequest

from evenhand.screening.policies import OVERSIGHT


def navigation(request: HttpRequest) -> dict[str, object]:
    """What the page header needs to decide which links to show."""
    return {"oversight_roles": sorted(OVERSIGHT)}
