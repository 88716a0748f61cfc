from __future__ import annotations

from django import template

from evenhand.jurisdictions.ruleset import active_ruleset

register = template.Library()


@register.filter
def class_label(code: str) -> str:
    """The ruleset's label for an offence class code; unknown codes say so explicitly."""
    return active_ruleset().offense_class(code).label
