"""The public page's filters. Choices come from the store, limited to values common enough
to publish (see `filter_options`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from evenhand.analytics.metrics.compute import Dimension, MetricFilters

from .selectors import ReleaseOption

ALL = [("", "All")]
EARLIEST_YEAR = 1900
LATEST_YEAR = 2100


class MetricFilterForm(forms.Form):
    release = forms.ChoiceField(label="Data", required=False)
    offense_category = forms.ChoiceField(label="Offence category", required=False)
    offense_class = forms.ChoiceField(label="Class", required=False)
    race = forms.ChoiceField(label="Race", required=False)
    gender = forms.ChoiceField(label="Gender", required=False)
    year_from = forms.IntegerField(
        label="From year", required=False, min_value=EARLIEST_YEAR, max_value=LATEST_YEAR
    )
    year_to = forms.IntegerField(
        label="To year", required=False, min_value=EARLIEST_YEAR, max_value=LATEST_YEAR
    )
    group_by = forms.ChoiceField(
        label="Show by",
        required=False,
        choices=[(dimension.value, dimension.label) for dimension in Dimension],
    )

    def __init__(
        self,
        data: Any,
        *,
        releases: Sequence[ReleaseOption],
        options: dict[str, list[str]],
    ) -> None:
        super().__init__(data)
        self.default_release = releases[0].release if releases else ""
        self._choose("release", [(r.release, r.label) for r in releases])
        for name in ("offense_category", "offense_class", "race", "gender"):
            self._choose(name, ALL + [(v, v) for v in options.get(name, [])])
        for field in self.fields.values():
            field.widget.attrs["data-testid"] = "filter"

    def _choose(self, name: str, choices: list[tuple[str, str]]) -> None:
        field = self.fields[name]
        if isinstance(field, forms.ChoiceField):
            field.choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("year_from"), data.get("year_to")
        if start is not None and end is not None and start > end:
            self.add_error("year_to", "The last year must not be before the first.")
        return data

    def filters(self) -> MetricFilters:
        data = self.cleaned_data
        return MetricFilters(
            release=data.get("release") or self.default_release,
            offense_category=data.get("offense_category") or "",
            offense_class=data.get("offense_class") or "",
            race=data.get("race") or "",
            gender=data.get("gender") or "",
            year_from=data.get("year_from"),
            year_to=data.get("year_to"),
            group_by=Dimension(data.get("group_by") or Dimension.YEAR.value),
        )
