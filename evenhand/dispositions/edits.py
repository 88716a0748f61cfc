"""What an editor read, carried signed in the form, so that the loser of a concurrent edit is
told what the other person changed rather than only that something did.

The version decides who wins (the services' `VersionConflictError`); this only explains it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing

from .models import ChargeDisposition, Term

SALT = "evenhand.dispositions.edits"
NOTHING = "—"

Snapshot = dict[str, str]


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class Conflict:
    """A lost update explained: what changed since the form was opened (None: the form's copy
    is unreadable) and the values as they are now."""

    what: str
    changes: list[Change] | None
    now: Snapshot


def _date(value: object) -> str:
    return str(value) if value else NOTHING


def disposition_snapshot(disposition: ChargeDisposition) -> Snapshot:
    return {
        "Disposition": disposition.get_kind_display(),
        "Date": _date(disposition.disposed_on),
        "For performed consideration": "yes" if disposition.performed_consideration else "no",
        "Conditions": disposition.conditions or NOTHING,
        "Reinstatement deadline": _date(disposition.reinstatement_deadline),
        "Note": disposition.note or NOTHING,
    }


def term_snapshot(term: Term) -> Snapshot:
    progress = (
        f"{term.completed_amount} / {term.required_amount} {term.unit}"
        if term.required_amount is not None
        else NOTHING
    )
    return {
        "Due date": _date(term.due_on),
        "Status": term.get_status_display(),
        "Progress": progress,
        "Violations": str(term.violations),
    }


def sign(snapshot: Snapshot) -> str:
    return signing.dumps(snapshot, salt=SALT, compress=True)


def changes_since(read: str, now: Snapshot) -> list[Change] | None:
    """The fields that differ between what the form was opened on and `now`; None when the
    form's copy is missing or was tampered with (then only the current values can be shown)."""
    try:
        before = signing.loads(read, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(before, dict):
        return None
    return [
        Change(field=field, before=str(before.get(field, NOTHING)), after=value)
        for field, value in now.items()
        if str(before.get(field, NOTHING)) != value
    ]
