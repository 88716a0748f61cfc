from __future__ import annotations

from typing import Any

from django import forms

from evenhand.accounts.models import User

from .models import ScreenKind


class ScreenForm(forms.Form):
    kind = forms.ChoiceField(choices=ScreenKind.choices)
    case_numbers = forms.CharField(
        label="Case numbers",
        help_text="One or more, separated by spaces or commas.",
        max_length=2000,
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)
    memo = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        required=False,
        help_text="What the screened people are told and must acknowledge.",
    )
    starts_at = forms.DateTimeField(required=False, help_text="Empty: now. Cannot be in the past.")
    ends_at = forms.DateTimeField(required=False, help_text="Empty: until lifted.")
    screened_terms = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=20_000,
        help_text="Extra words or phrases, one per line, that must not pass across the wall.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["users"] = forms.ModelMultipleChoiceField(
            queryset=User.objects.filter(is_active=True).order_by("last_name", "first_name"),
            label="People",
        )
        self.order_fields(["kind", "users", "case_numbers"])

    def numbers(self) -> list[str]:
        numbers: str = self.cleaned_data["case_numbers"]
        return numbers.replace(",", " ").split()

    def terms(self) -> list[str]:
        return [
            line
            for line in self.cleaned_data.get("screened_terms", "").splitlines()
            if line.strip()
        ]


class LiftForm(forms.Form):
    reason = forms.CharField(max_length=5000)


class ResolveForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("recuse", "Recuse myself from the case"), ("clear", "No recusal: record why")],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)

    def __init__(self, *args: Any, head_of_office: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if head_of_office:
            self.fields["acting_delegate"] = forms.ModelChoiceField(
                queryset=User.objects.filter(is_active=True).order_by("last_name"),
                required=False,
                label="Hand the case to (acting head of office)",
            )


class AccessReportForm(forms.Form):
    case_number = forms.CharField(max_length=32)
    at = forms.DateTimeField(label="At (or from)")
    until = forms.DateTimeField(required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("until") and data.get("at") and data["until"] < data["at"]:
            raise forms.ValidationError("The end of the period comes before its start.")
        return data
