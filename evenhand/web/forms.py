from __future__ import annotations

from django import forms

from evenhand.cases.models import CaseStatus
from evenhand.cases.selectors import MAX_QUERY_LENGTH, CaseFilters
from evenhand.jurisdictions.ruleset import active_ruleset


def _class_choices() -> list[tuple[str, str]]:
    classes = sorted(active_ruleset().classes.values(), key=lambda c: (c.rank, c.code))
    return [("", "Any class"), *((c.code, c.label) for c in classes)]


def _statute_choices() -> list[tuple[str, str]]:
    statutes = sorted(active_ruleset().statutes.values(), key=lambda s: s.display)
    return [("", "Any statute"), *((s.key, f"{s.display} — {s.title}") for s in statutes)]


class CaseSearchForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=MAX_QUERY_LENGTH,
        label="Search",
        widget=forms.TextInput(
            attrs={
                "placeholder": "Case number, participant name or alias, statute",
                "type": "search",
            }
        ),
    )
    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *CaseStatus.choices], label="Status"
    )
    offense_class = forms.ChoiceField(required=False, choices=_class_choices, label="Class")
    statute = forms.ChoiceField(required=False, choices=_statute_choices, label="Statute")
    mine = forms.BooleanField(required=False, label="My cases only")

    def filters(self) -> CaseFilters:
        data = self.cleaned_data
        return CaseFilters(
            query=data.get("q") or "",
            status=CaseStatus(data["status"]) if data.get("status") else None,
            offense_class=data.get("offense_class") or "",
            statute_key=data.get("statute") or "",
            mine=bool(data.get("mine")),
        )
