from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from evenhand.analytics.queries.outcomes import OUTCOME_LABELS, Outcome
from evenhand.cases.models import Charge, Participant
from evenhand.cases.services import MAX_COUNTS_PER_FILING
from evenhand.jurisdictions.ruleset import active_ruleset

from .comparable import SEARCH_OUTCOMES
from .models import ReviewResult
from .services import MAX_RATIONALE

MIN_YEAR = 1900
MAX_YEAR = 2999


def statute_choices(*, blank: str | None = None) -> list[tuple[str, str]]:
    choices = [
        (s.key, f"{s.citation.split(';')[0]} — {s.title} (class {s.offense_class})")
        for s in sorted(active_ruleset().statutes.values(), key=lambda s: s.key)
    ]
    return [("", blank), *choices] if blank is not None else choices


class ReferralForm(forms.Form):
    case_number = forms.CharField(
        required=False,
        max_length=32,
        help_text="An existing case this report belongs to; leave empty to open a new case.",
    )
    title = forms.CharField(required=False, max_length=200, label="New case title")
    agency = forms.CharField(max_length=200, label="Referring agency")
    officer_name = forms.CharField(required=False, max_length=200, label="Reporting officer")
    report_number = forms.CharField(required=False, max_length=64)
    received_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    summary = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def clean_received_on(self) -> Any:
        value = self.cleaned_data["received_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("A referral cannot be received in the future.")
        return value


class FelonyReviewForm(forms.Form):
    result = forms.ChoiceField(choices=ReviewResult.choices, widget=forms.RadioSelect)
    reasons = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)


class PeriodFields(forms.Form):
    year_from = forms.IntegerField(min_value=MIN_YEAR, max_value=MAX_YEAR, label="History from")
    year_to = forms.IntegerField(min_value=MIN_YEAR, max_value=MAX_YEAR, label="to (year)")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("year_from"), data.get("year_to")
        if start is not None and end is not None and start > end:
            self.add_error("year_to", "The period ends before it starts.")
        return data


class ChargingForm(PeriodFields):
    participant = forms.TypedChoiceField(coerce=int, label="Defendant", choices=[])
    statute_key = forms.ChoiceField(label="Statute", choices=[])
    counts = forms.IntegerField(min_value=1, max_value=MAX_COUNTS_PER_FILING)
    filed_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    rationale = forms.CharField(
        required=False,
        max_length=MAX_RATIONALE,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Required when the count total lies above the office's percentile.",
    )
    bar_override_reason = forms.CharField(
        required=False,
        max_length=MAX_RATIONALE,
        label="Re-prosecution bar override",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Only when warned that an earlier disposition may bar this prosecution.",
    )

    field_order = [
        "participant",
        "statute_key",
        "counts",
        "filed_on",
        "year_from",
        "year_to",
        "rationale",
        "bar_override_reason",
    ]

    def __init__(self, *args: Any, defendants: list[Participant], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participant"] = forms.TypedChoiceField(
            coerce=int,
            label="Defendant",
            choices=[(p.pk, p.person.full_name) for p in defendants],
        )
        self.fields["statute_key"] = forms.ChoiceField(label="Statute", choices=statute_choices())
        self.order_fields(self.field_order)


class AmendForm(forms.Form):
    reason = forms.CharField(max_length=1000)

    def __init__(self, *args: Any, charges: list[Charge], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["charge"] = forms.TypedChoiceField(
            coerce=int,
            label="Count",
            choices=[
                (c.pk, f"{c.participant.person.full_name}: count {c.count_number} ({c.citation})")
                for c in charges
                if c.is_current
            ],
        )
        self.fields["statute_key"] = forms.ChoiceField(
            label="New statute", choices=statute_choices()
        )
        self.order_fields(["charge", "statute_key", "reason"])


class ComparableForm(forms.Form):
    statute_key = forms.ChoiceField(required=False, label="Statute (its whole section)", choices=[])
    offense_class = forms.ChoiceField(required=False, label="Class", choices=[])
    offense_category = forms.CharField(required=False, max_length=100, label="Offence category")
    min_counts = forms.IntegerField(required=False, min_value=1, max_value=10_000)
    max_counts = forms.IntegerField(required=False, min_value=1, max_value=10_000)
    year_from = forms.IntegerField(required=False, min_value=MIN_YEAR, max_value=MAX_YEAR)
    year_to = forms.IntegerField(required=False, min_value=MIN_YEAR, max_value=MAX_YEAR)
    outcomes = forms.MultipleChoiceField(
        required=False,
        choices=[(o.value, OUTCOME_LABELS[o]) for o in Outcome],
        widget=forms.CheckboxSelectMultiple,
        help_text="Empty: nolle prosequi, diversion or deferred prosecution, and pleas.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["statute_key"] = forms.ChoiceField(
            required=False,
            label="Statute (its whole section)",
            choices=statute_choices(blank="Any statute"),
        )
        self.fields["offense_class"] = forms.ChoiceField(
            required=False,
            label="Class",
            choices=[
                ("", "Any class"),
                *((c.code, c.label) for c in active_ruleset().classes.values() if c.known),
            ],
        )
        self.order_fields(list(ComparableForm.base_fields))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("min_counts"), data.get("max_counts")
        if low is not None and high is not None and low > high:
            self.add_error("max_counts", "The count range ends before it starts.")
        start, end = data.get("year_from"), data.get("year_to")
        if start is not None and end is not None and start > end:
            self.add_error("year_to", "The period ends before it starts.")
        return data

    def chosen_outcomes(self) -> frozenset[Outcome]:
        chosen = self.cleaned_data.get("outcomes") or []
        return frozenset(Outcome(v) for v in chosen) or SEARCH_OUTCOMES
