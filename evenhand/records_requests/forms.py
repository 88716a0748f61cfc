"""Forms for the public request form and the records officer's desk. Each validates at the
edge with clear messages; the services check again."""

from __future__ import annotations

import time
from typing import Any

from django import forms
from django.core import signing

from evenhand.search.forms import SEARCH_PAGE_LIMIT

from .models import AppealKind, Channel, Medium, RecordDecision, RequesterClass
from .rules import public_records_rules
from .services import MAX_DESCRIPTION, MAX_NAME, MAX_NOTE, SETTABLE_STATUSES

FORM_CLOCK_SALT = "records-request-form-started"


def exemption_choices() -> list[tuple[str, str]]:
    return [
        (code, f"{code} — {e.citation}") for code, e in public_records_rules().exemptions.items()
    ]


def _date(label: str, **kwargs: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}), **kwargs)


class RequesterFields(forms.Form):
    requester_name = forms.CharField(label="Your name", max_length=MAX_NAME)
    requester_organisation = forms.CharField(
        label="Organisation (optional)", max_length=MAX_NAME, required=False
    )
    requester_email = forms.EmailField(label="E-mail (optional)", required=False)
    requester_phone = forms.CharField(label="Telephone (optional)", max_length=40, required=False)
    requester_address = forms.CharField(
        label="Postal address (optional)", max_length=500, required=False
    )
    description = forms.CharField(
        label="Records you are asking for",
        max_length=MAX_DESCRIPTION,
        min_length=10,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=f"Up to {MAX_DESCRIPTION:,} characters. Be as specific as you can.",
        error_messages={
            "max_length": "Your description is too long: at most %(limit_value)d characters "
            "(it has %(show_value)d). Shorten it or split it into several requests.",
            "min_length": "Describe the records you want (at least a few words).",
        },
    )
    medium = forms.ChoiceField(label="Copies", choices=Medium.choices, initial=Medium.ELECTRONIC)


class PublicRequestForm(RequesterFields):
    # A field people never see: a bot that fills every input reveals itself.
    website = forms.CharField(required=False, label="Leave this empty")
    started = forms.CharField(widget=forms.HiddenInput)

    @staticmethod
    def clock() -> str:
        """A signed stamp of when the form was served."""
        return signing.Signer(salt=FORM_CLOCK_SALT).sign(f"{time.time():.3f}")

    def seconds_to_fill(self) -> float:
        """Seconds since the form was served (a forged or garbled stamp counts as 0)."""
        try:
            served = float(
                signing.Signer(salt=FORM_CLOCK_SALT).unsign(self.cleaned_data["started"])
            )
        except (signing.BadSignature, ValueError):
            return 0.0
        return time.time() - served


class StaffRequestForm(RequesterFields):
    channel = forms.ChoiceField(
        label="Received by", choices=[c for c in Channel.choices if c[0] != Channel.WEB]
    )
    received_on = _date("Date received")
    requester_class = forms.ChoiceField(choices=RequesterClass.choices, label="Requester")
    class_basis = forms.CharField(
        label="Why commercial or recurrent", max_length=MAX_NOTE, required=False
    )


class ClassifyForm(forms.Form):
    requester_class = forms.ChoiceField(choices=RequesterClass.choices, label="Requester")
    basis = forms.CharField(label="Basis", max_length=MAX_NOTE, required=False)


class ExtendForm(forms.Form):
    reason = forms.ChoiceField(label="Statutory reason")
    facts = forms.CharField(
        label="Facts (for the notice)",
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    notice_sent_on = _date("Written notice sent on")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        reasons = public_records_rules().extension_reasons.values()
        self.fields["reason"].choices = [(r.code, f"{r.citation}: {r.text}") for r in reasons]  # type: ignore[attr-defined]  # ChoiceField has choices


class AgreeForm(forms.Form):
    agreed_due_on = _date("Agreed due date")
    agreement = forms.CharField(label="Written agreement (where and when)", max_length=MAX_NOTE)


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=[(s.value, s.label) for s in sorted(SETTABLE_STATUSES, key=str)]
    )
    note = forms.CharField(max_length=MAX_NOTE)


class SearchForm(forms.Form):
    query = forms.CharField(label="Search", max_length=500)
    people = forms.CharField(label="People (comma-separated)", max_length=500, required=False)
    date_from = _date("From", required=False)
    date_to = _date("To", required=False)
    # The same bound as the staff search page: deep pages cost in proportion to their depth.
    page = forms.IntegerField(required=False, min_value=1, max_value=SEARCH_PAGE_LIMIT)


class AddRecordForm(forms.Form):
    kind = forms.CharField(max_length=32)
    object_id = forms.CharField(max_length=64)


class SealedCaseForm(forms.Form):
    case_number = forms.CharField(label="Sealed case number", max_length=32)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[c for c in RecordDecision.choices if c[0] != RecordDecision.PENDING]
    )
    exemption_code = forms.CharField(label="Exemption", max_length=32, required=False)
    basis = forms.CharField(
        label="Factual basis", max_length=MAX_NOTE * 4, required=False, widget=forms.Textarea
    )


class RedactionDecisionForm(forms.Form):
    accept = forms.TypedChoiceField(
        choices=[("yes", "Accept"), ("no", "Reject")], coerce=lambda v: v == "yes"
    )
    exemption = forms.CharField(max_length=32, required=False)


class ManualRedactionForm(forms.Form):
    start = forms.IntegerField(min_value=0)
    end = forms.IntegerField(min_value=1)
    exemption = forms.CharField(max_length=32)


class ResponseForm(forms.Form):
    issued_on = _date("Date of the response")
    paper_pages = forms.IntegerField(
        label="Paper pages", min_value=0, max_value=1_000_000, initial=0
    )


class AppealForm(forms.Form):
    kind = forms.ChoiceField(choices=AppealKind.choices)
    reference = forms.CharField(max_length=100, required=False)
    filed_on = _date("Filed on")
    notice_received_on = _date("Notice received on")


class AppealCloseForm(forms.Form):
    closed_on = _date("Closed on")
    outcome = forms.CharField(max_length=MAX_NOTE)
