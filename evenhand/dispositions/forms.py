"""Forms for dispositions, enrolments, terms and bar-checked charging: input checks only;
the rules are enforced by the services."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms

from evenhand.cases.models import Charge, Participant
from evenhand.jurisdictions.ruleset import active_ruleset

from .models import ConsentState, DispositionKind, EnrolmentStatus, TermEntryKind, TermKind
from .services.common import (
    MAX_END_REASON_LENGTH,
    MAX_OVERRIDE_REASON_LENGTH,
    MAX_REASON_LENGTH,
    MAX_SHORT_TEXT_LENGTH,
    MAX_TEXT_LENGTH,
)

DATE = forms.DateInput(attrs={"type": "date"})
AMOUNT_LIMITS: dict[str, Any] = {
    "max_digits": 12,
    "decimal_places": 2,
    "min_value": Decimal("0.01"),
    "required": False,
}


def _set_choices(form: forms.Form, name: str, choices: list[tuple[Any, str]]) -> None:
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{name} is not a choice field")
    field.choices = choices


class DispositionForm(forms.Form):
    charge = forms.TypedChoiceField(coerce=int, label="Count")
    kind = forms.ChoiceField(choices=DispositionKind.choices, label="Disposition")
    disposed_on = forms.DateField(widget=DATE, label="Date")
    performed_consideration = forms.BooleanField(
        required=False, label="Given for performed consideration (terms performed)"
    )
    conditions = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=MAX_TEXT_LENGTH
    )
    reinstatement_deadline = forms.DateField(
        widget=DATE, required=False, label="Reinstatement deadline (SOL only)"
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=MAX_TEXT_LENGTH
    )

    def __init__(self, *args: Any, charges: Sequence[Charge], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(
            self,
            "charge",
            [
                (c.pk, f"{c.participant.person} · count {c.count_number}: {c.citation}")
                for c in charges
            ],
        )


class DispositionCorrectionForm(forms.Form):
    """A correction of a current disposition: the fields the API's PUT takes, and the version
    and values the editor read (so a conflict can say what someone else changed)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    read = forms.CharField(widget=forms.HiddenInput, required=False)
    kind = forms.ChoiceField(choices=DispositionKind.choices, label="Disposition")
    disposed_on = forms.DateField(widget=DATE, label="Date")
    performed_consideration = forms.BooleanField(
        required=False, label="Given for performed consideration (terms performed)"
    )
    conditions = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=MAX_TEXT_LENGTH
    )
    reinstatement_deadline = forms.DateField(
        widget=DATE, required=False, label="Reinstatement deadline (SOL only)"
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=MAX_TEXT_LENGTH
    )
    # Not shown pre-filled: each correction says why it is made, and the audit entry keeps it.
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=MAX_REASON_LENGTH,
        label="Reason for the correction (recorded)",
        help_text="Kept in the case's audit log with the values it replaces.",
    )


class TermMoveForm(forms.Form):
    """A new due date for an open term (a deadline the court extended, or a date mistyped),
    and why; the reason goes into the audit entry."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    read = forms.CharField(widget=forms.HiddenInput, required=False)
    due_on = forms.DateField(widget=DATE, label="New deadline")
    # The label avoids "date" and "deadline": the row's other fields are found by those words.
    reason = forms.CharField(max_length=MAX_REASON_LENGTH, label="Reason for moving it (recorded)")


class TermWaiveForm(forms.Form):
    """Waiving an open term: why, and who ordered it; both go into the audit entry."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    read = forms.CharField(widget=forms.HiddenInput, required=False)
    # The due date the editor saw; the service keeps it (the version guards against a move).
    due_on = forms.DateField(widget=forms.HiddenInput)
    # Together, as `waive_reason` joins them, the two stay within the service's MAX_REASON_LENGTH.
    reason = forms.CharField(max_length=300, label="Reason for the waiver")
    ordered_by = forms.CharField(max_length=150, label="Ordered by (judge or court, and the order)")

    def waive_reason(self) -> str:
        """The one text the service records: the reason with who ordered it."""
        data = self.cleaned_data
        return f"{data['reason']} (ordered by {data['ordered_by']})"


def _programme_choices() -> list[tuple[Any, str]]:
    return [(code, p.name) for code, p in active_ruleset().programmes.items()]


class EnrolmentForm(forms.Form):
    participant = forms.TypedChoiceField(coerce=int, label="Defendant")
    programme = forms.ChoiceField(choices=())
    starts_on = forms.DateField(widget=DATE)
    ends_on = forms.DateField(widget=DATE)
    consent_state_attorney = forms.ChoiceField(
        choices=ConsentState.choices, label="State's Attorney consents"
    )
    consent_defendant = forms.ChoiceField(choices=ConsentState.choices, label="Defendant consents")
    consent_victim = forms.ChoiceField(choices=ConsentState.choices, label="Victim consents")
    prior_record_attestation = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=MAX_TEXT_LENGTH,
        label="Record check outside the office (attestation)",
    )

    def __init__(self, *args: Any, defendants: Sequence[Participant], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "participant", [(p.pk, str(p.person)) for p in defendants])
        _set_choices(self, "programme", _programme_choices())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "The programme cannot end before it starts.")
        return data


class TermForm(forms.Form):
    kind = forms.ChoiceField(choices=TermKind.choices)
    required_amount = forms.DecimalField(label="Amount (hours, dollars, sessions)", **AMOUNT_LIMITS)
    due_on = forms.DateField(widget=DATE)
    detail = forms.CharField(max_length=MAX_SHORT_TEXT_LENGTH, required=False)


class TermEntryForm(forms.Form):
    term = forms.IntegerField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(choices=TermEntryKind.choices)
    amount = forms.DecimalField(**AMOUNT_LIMITS)
    occurred_on = forms.DateField(widget=DATE)
    note = forms.CharField(max_length=MAX_SHORT_TEXT_LENGTH, required=False)


class CompletionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    completed_on = forms.DateField(widget=DATE)
    note = forms.CharField(max_length=MAX_REASON_LENGTH, required=False)


class EndForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(
        choices=[
            (EnrolmentStatus.FAILED, EnrolmentStatus.FAILED.label),
            (EnrolmentStatus.WITHDRAWN, EnrolmentStatus.WITHDRAWN.label),
        ]
    )
    ended_on = forms.DateField(widget=DATE)
    reason = forms.CharField(max_length=MAX_END_REASON_LENGTH)


def _statute_choices() -> list[tuple[Any, str]]:
    return [
        (key, f"{s.display} — {s.title} (class {s.offense_class})")
        for key, s in sorted(active_ruleset().statutes.items())
    ]


class CheckedChargeForm(forms.Form):
    participant = forms.TypedChoiceField(coerce=int, label="Defendant")
    statute_key = forms.ChoiceField(choices=(), label="Statute")
    counts = forms.IntegerField(min_value=1, max_value=999)
    filed_on = forms.DateField(widget=DATE)
    incident_on = forms.DateField(widget=DATE, required=False, label="Incident date")
    override_reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=MAX_OVERRIDE_REASON_LENGTH,
        label="Reason to proceed despite the bar (recorded)",
    )

    def __init__(self, *args: Any, defendants: Sequence[Participant], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "participant", [(p.pk, str(p.person)) for p in defendants])
        _set_choices(self, "statute_key", _statute_choices())


class SameConductForm(forms.Form):
    earlier_case_number = forms.CharField(max_length=32, label="Earlier case number")
    note = forms.CharField(max_length=MAX_SHORT_TEXT_LENGTH, required=False)
