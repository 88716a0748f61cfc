"""The search page's form: validated at the edge, turned into `SearchFilters`."""

from __future__ import annotations

from django import forms

from .selectors import HitKind

KIND_CHOICES = [(kind.value, kind.label) for kind in HitKind]
# How deep a search may page: ranking and access checks cost in proportion to the depth.
SEARCH_PAGE_LIMIT = 10_000


class SearchForm(forms.Form):
    q = forms.CharField(max_length=500, label='Words or "phrases"')
    people = forms.CharField(
        required=False, max_length=300, label="People", help_text="Names, separated by commas"
    )
    case_numbers = forms.CharField(
        required=False, max_length=300, label="Case numbers", help_text="Separated by commas"
    )
    date_from = forms.DateField(required=False, label="From")
    date_to = forms.DateField(required=False, label="To")
    kinds = forms.MultipleChoiceField(
        required=False, choices=KIND_CHOICES, widget=forms.CheckboxSelectMultiple, label="Only"
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=SEARCH_PAGE_LIMIT)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        return data

    def names(self, field: str) -> list[str]:
        raw = str(self.cleaned_data.get(field) or "")
        return [part.strip() for part in raw.split(",") if part.strip()][:20]
