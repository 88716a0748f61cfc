"""Input for the sealing pages; the services enforce the rules, these only shape the input."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from .context import MAX_REASON_LENGTH, MIN_REASON_LENGTH
from .models import SealingKind
from .services import MAX_DOCUMENT_BYTES, OrderDocument, OrderParticulars


class CourtOrderForm(forms.Form):
    court = forms.CharField(max_length=200, initial="Circuit Court of Cook County")
    judge = forms.CharField(max_length=200)
    order_date = forms.DateField(help_text="YYYY-MM-DD")
    order_reference = forms.CharField(max_length=120, help_text="As on the order.")
    document = forms.FileField(required=False, help_text="The signed order (PDF), up to 10 MB.")

    def particulars(self) -> OrderParticulars:
        data = self.cleaned_data
        upload = data.get("document")
        document = None
        if upload is not None:
            if upload.size is not None and upload.size > MAX_DOCUMENT_BYTES:
                raise forms.ValidationError("The order document is larger than 10 MB.")
            document = OrderDocument(
                name=str(upload.name or "order"),
                content_type=str(upload.content_type or "application/octet-stream"),
                content=upload.read(),
            )
        return OrderParticulars(
            court=data["court"],
            judge=data["judge"],
            order_date=data["order_date"],
            order_reference=data["order_reference"],
            document=document,
        )


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is None or timezone.is_aware(value):
        return value
    return timezone.make_aware(value)


class SealingOrderForm(CourtOrderForm):
    kind = forms.ChoiceField(choices=SealingKind.choices, initial=SealingKind.IMMEDIATE)
    effective_at = forms.DateTimeField(
        required=False, help_text="YYYY-MM-DD HH:MM; empty: now (immediate sealing)."
    )

    field_order = ["kind", "court", "judge", "order_date", "order_reference", "effective_at"]

    def effective(self) -> dt.datetime | None:
        return _aware(self.cleaned_data.get("effective_at"))


class UnsealingOrderForm(CourtOrderForm):
    effective_at = forms.DateTimeField(required=False, help_text="YYYY-MM-DD HH:MM; empty: now.")

    def effective(self) -> dt.datetime | None:
        return _aware(self.cleaned_data.get("effective_at"))


class AccessGrantForm(CourtOrderForm):
    grantee_username = forms.CharField(max_length=150, label="Username of the person named")
    scope = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text="What the order allows, in its own words.",
    )
    starts_at = forms.DateTimeField(required=False, help_text="Empty: now.")
    ends_at = forms.DateTimeField(required=False, help_text="Empty: until revoked or unsealed.")

    field_order = ["grantee_username", "scope", "court", "judge", "order_date", "order_reference"]

    def period(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        return _aware(self.cleaned_data.get("starts_at")), _aware(self.cleaned_data.get("ends_at"))


class RevokeForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text="E.g. the order that vacated the grant.",
    )


class AccessReasonForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        min_length=MIN_REASON_LENGTH,
        max_length=MAX_REASON_LENGTH,
        help_text="Why you need this sealed case now. It is logged with every read.",
    )
    next = forms.CharField(widget=forms.HiddenInput, required=False, max_length=2000)
