from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from evenhand.cases.forms import RoleChangeForm
from evenhand.cases.models import (
    CaseEventKind,
    CaseStatus,
    ParticipantRole,
    Person,
    RelationshipKind,
)
from evenhand.cases.selectors import MAX_QUERY_LENGTH, CaseFilters
from evenhand.jurisdictions.ruleset import active_ruleset


def _class_choices() -> list[tuple[str, str]]:
    classes = sorted(active_ruleset().classes.values(), key=lambda c: (c.rank, c.code))
    return [("", "Any class"), *((c.code, c.label) for c in classes)]


def _statute_choices() -> list[tuple[str, str]]:
    statutes = sorted(active_ruleset().statutes.values(), key=lambda s: s.display)
    return [("", "Any statute"), *((s.key, f"{s.display} — {s.title}") for s in statutes)]


class CaseSearchForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=MAX_QUERY_LENGTH,
        label="Search",
        widget=forms.TextInput(
            attrs={
                "placeholder": "Case number, participant name or alias, statute",
                "type": "search",
            }
        ),
    )
    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *CaseStatus.choices], label="Status"
    )
    offense_class = forms.ChoiceField(required=False, choices=_class_choices, label="Class")
    statute = forms.ChoiceField(required=False, choices=_statute_choices, label="Statute")
    mine = forms.BooleanField(required=False, label="My cases only")

    def filters(self) -> CaseFilters:
        data = self.cleaned_data
        return CaseFilters(
            query=data.get("q") or "",
            status=CaseStatus(data["status"]) if data.get("status") else None,
            offense_class=data.get("offense_class") or "",
            statute_key=data.get("statute") or "",
            mine=bool(data.get("mine")),
        )


# --- putting people and events on a case -------------------------------------------------------
# The forms validate at the edge (required fields, lengths, no future moments, one person not
# related to themself); the services check the policy and write, audited.

MAX_ALIASES = 20
_DATETIME_INPUT = "%Y-%m-%dT%H:%M"
# Events the system records itself when the change happens (participants, roles, contacts,
# charges) or that belong to the charging workflow: not offered for hand entry.
RECORDABLE_EVENT_KINDS = (
    CaseEventKind.REPORT_RECEIVED,
    CaseEventKind.INVESTIGATION,
    CaseEventKind.ARREST,
    CaseEventKind.RELEASE,
    CaseEventKind.HEARING,
    CaseEventKind.NOTE,
)


class PastMomentField(forms.DateTimeField):
    """A date and time, entered with the browser's picker, that is not in the future."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=_DATETIME_INPUT)

    def __init__(self, *, what: str, **kwargs: Any) -> None:
        self.what = what
        kwargs.setdefault("label", "When")
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Any:
        moment = super().clean(value)
        if moment is not None and moment > timezone.now():
            raise forms.ValidationError(f"{self.what} cannot be in the future.")
        return moment


def _now_for_input() -> str:
    return timezone.localtime().strftime(_DATETIME_INPUT)


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        max_length=MAX_QUERY_LENGTH,
        label="Name or alias",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )

    def clean_q(self) -> str:
        query = str(self.cleaned_data["q"]).strip()
        if not query:
            raise forms.ValidationError("Type part of a name or alias.")
        return query


class _ParticipantFields(forms.Form):
    role = forms.ChoiceField(choices=ParticipantRole.choices, label="Role in the case")
    occurred_at = PastMomentField(what="Joining the case", label="Since (date and time)")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"occurred_at": _now_for_input()})
        super().__init__(*args, **kwargs)


class ExistingParticipantForm(_ParticipantFields):
    """Add someone already recorded: `choices` are the people the user's search found."""

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"] = forms.TypedChoiceField(
            choices=choices,
            coerce=int,
            widget=forms.RadioSelect,
            label="Person",
            error_messages={"invalid_choice": "Choose one of the people found."},
        )
        self.order_fields(["person", "role", "occurred_at"])


class NewParticipantForm(_ParticipantFields):
    first_name = forms.CharField(max_length=100)
    middle_name = forms.CharField(max_length=100, required=False)
    last_name = forms.CharField(max_length=100)
    date_of_birth = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Date of birth"
    )
    aliases = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One per line.",
        max_length=MAX_ALIASES * 200,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(
            ["first_name", "middle_name", "last_name", "date_of_birth", "aliases", "role"]
        )

    def clean_date_of_birth(self) -> Any:
        born = self.cleaned_data["date_of_birth"]
        if born is not None and born > timezone.localdate():
            raise forms.ValidationError("A date of birth cannot be in the future.")
        return born

    def clean_aliases(self) -> list[str]:
        lines = [line.strip() for line in str(self.cleaned_data["aliases"]).splitlines()]
        aliases = list(dict.fromkeys(line for line in lines if line))
        if len(aliases) > MAX_ALIASES:
            raise forms.ValidationError(f"At most {MAX_ALIASES} aliases.")
        too_long = [alias for alias in aliases if len(alias) > 200]
        if too_long:
            raise forms.ValidationError("An alias is at most 200 characters.")
        return aliases


class RelationshipForm(forms.Form):
    """`from_person` <kind> `to_person`, both among the case's people."""

    kind = forms.ChoiceField(choices=RelationshipKind.choices, label="Relationship")
    note = forms.CharField(max_length=500, required=False)

    def __init__(self, *args: Any, people: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "—"), *((person.pk, person.full_name) for person in people)]
        for name, label in (("from_person", "Person"), ("to_person", "Other person")):
            self.fields[name] = forms.TypedChoiceField(choices=choices, coerce=int, label=label)
        self.people = {person.pk: person for person in people}
        self.order_fields(["from_person", "kind", "to_person", "note"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("from_person"), data.get("to_person")
        if first is not None and first == second:
            raise forms.ValidationError("Choose two different people.")
        return data

    def person(self, field: str) -> Person:
        return self.people[int(self.cleaned_data[field])]


class CaseEventForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[(kind.value, kind.label) for kind in RECORDABLE_EVENT_KINDS], label="Event"
    )
    occurred_at = PastMomentField(what="An event", label="When (date and time)")
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"occurred_at": _now_for_input()})
        super().__init__(*args, **kwargs)

    def clean_summary(self) -> str:
        summary = str(self.cleaned_data["summary"]).strip()
        if not summary:
            raise forms.ValidationError("Describe the event.")
        return summary


class DatedRoleChangeForm(RoleChangeForm):
    """A role change with the moment it happened (the history is ordered by it): not in the
    future, and not before the participant's previous role."""

    occurred_at = PastMomentField(what="A role change", label="When (date and time)")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"occurred_at": _now_for_input()})
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        participant, moment = data.get("participant"), data.get("occurred_at")
        if participant is None or moment is None:
            return data
        latest = (
            participant.role_changes.order_by("-changed_at", "-id")
            .values_list("changed_at", flat=True)
            .first()
        )
        if latest is not None and moment < latest:
            when = timezone.localtime(latest)
            self.add_error(
                "occurred_at",
                f"{participant.person} took their present role on {when:%Y-%m-%d %H:%M}: "
                "a change cannot come before it.",
            )
        return data


class CaseDetailsForm(forms.Form):
    title = forms.CharField(max_length=200)
    summary = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
