from __future__ import annotations

from typing import Any

from django import forms

from evenhand.accounts.models import User

from .models import MessageStatus
from .services import MAX_ATTACHMENTS, MAX_BODY


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data[: MAX_ATTACHMENTS + 1]]
        return [single(data, initial)] if data else []


class MessageForm(forms.Form):
    subject = forms.CharField(max_length=200)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), max_length=MAX_BODY)
    case_numbers = forms.CharField(
        required=False,
        max_length=2000,
        label="Tag cases",
        help_text="Case numbers this message is about, separated by spaces.",
    )
    attachments = MultipleFileField(required=False)
    thread = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, sender: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipients"] = forms.ModelMultipleChoiceField(
            queryset=User.objects.filter(is_active=True)
            .exclude(pk=sender.pk)
            .order_by("last_name"),
        )
        self.order_fields(["recipients", "subject", "body", "case_numbers", "attachments"])

    def numbers(self) -> list[str]:
        numbers: str = self.cleaned_data.get("case_numbers", "")
        return numbers.replace(",", " ").split()


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label="Words")
    case_number = forms.CharField(required=False, max_length=32, label="Case number")
    status = forms.ChoiceField(required=False, choices=[("", "Any"), *MessageStatus.choices])
    sent_from = forms.DateField(required=False, label="From")
    sent_to = forms.DateField(required=False, label="To")


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("keep", "Keep held: a breach"), ("release", "Release: not a breach")],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(max_length=5000)
