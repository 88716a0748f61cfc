"""What the tests of the case page's add-a-participant form share (their `asa` and `case` are
fixtures in this folder's conftest): a signed-in client, the form's address and a filled-in
new-person form."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from evenhand.accounts.models import User
from evenhand.cases.models import Case, ParticipantRole

REPORTED = "2019-01-29T09:00"


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def add_url(case: Case) -> str:
    return reverse("case-participant-add", args=[case.pk])


def new_person_form(*, aliases: str = "", **fields: str) -> dict[str, str]:
    """The new-person form for Jordan Vale, born 1982-11-04, reported as the victim; `fields`
    override any of its fields by name (without the form's prefix)."""
    data = {
        "form": "new",
        "new-first_name": "Jordan",
        "new-middle_name": "",
        "new-last_name": "Vale",
        "new-date_of_birth": "1982-11-04",
        "new-aliases": aliases,
        "new-role": ParticipantRole.VICTIM,
        "new-occurred_at": REPORTED,
    }
    data.update({f"new-{name}": value for name, value in fields.items()})
    return data
