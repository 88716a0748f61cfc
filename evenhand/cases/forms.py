"""Forms for case work on the case page. They only validate input; services do the writing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from evenhand.accounts.models import User

from .models import AssignmentRole, Case, ContactChannel, Participant, ParticipantRole, Person


def _active_staff() -> forms.ModelChoiceField[User]:
    return forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True).order_by("last_name", "first_name"),
        label="Staff member",
    )


class ContactForm(forms.Form):
    channel = forms.ChoiceField(choices=ContactChannel.choices)
    occurred_at = forms.DateTimeField(label="When (YYYY-MM-DD HH:MM)")
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)

    def __init__(self, *args: Any, people: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"] = _active_staff()
        self.fields["person"] = forms.ModelChoiceField(
            queryset=Person.objects.filter(pk__in=[p.pk for p in people]), label="Spoke with"
        )
        self.order_fields(["staff", "person", "channel", "occurred_at", "summary"])

    def clean_occurred_at(self) -> Any:
        value = self.cleaned_data["occurred_at"]
        if value > timezone.now():
            raise forms.ValidationError("A contact cannot be logged in the future.")
        return value


class RoleChangeForm(forms.Form):
    role = forms.ChoiceField(choices=ParticipantRole.choices, label="New role")
    reason = forms.CharField(max_length=500)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participant"] = forms.ModelChoiceField(
            queryset=Participant.objects.filter(case=case).select_related("person")
        )
        self.order_fields(["participant", "role", "reason"])


class TeamAddForm(forms.Form):
    role = forms.ChoiceField(choices=AssignmentRole.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"] = _active_staff()
        self.order_fields(["user", "role"])
