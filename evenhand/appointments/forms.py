from __future__ import annotations

from django import forms

from .models import AppointeeSource


class CourtOrderForm(forms.Form):
    judge = forms.CharField(max_length=200)
    order_date = forms.DateField(help_text="YYYY-MM-DD")
    appointee_username = forms.CharField(max_length=150, label="Appointee's username")
    appointee_first_name = forms.CharField(max_length=150, required=False, label="First name")
    appointee_last_name = forms.CharField(max_length=150, required=False, label="Last name")
    appointee_source = forms.ChoiceField(choices=AppointeeSource.choices, label="Appointed from")
    scope = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
        help_text="Empty: this case only.",
    )
