"""Test data built through the real services, so every row is one the application could make.

Each test builds what it needs; nothing here is shared between tests.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable

from django.test import Client
from django.utils import timezone

from evenhand.accounts.models import Role, User
from evenhand.accounts.services import api_token_create, user_create
from evenhand.cases.models import (
    AssignmentRole,
    Case,
    Charge,
    Participant,
    ParticipantRole,
)
from evenhand.cases.services import (
    case_assign,
    case_open,
    charges_file,
    participant_add,
    person_create,
)

PASSWORD = "correct horse battery staple 42"
_serial = itertools.count(1)


def make_user(role: Role = Role.ASSISTANT_STATES_ATTORNEY, **fields: str) -> User:
    n = next(_serial)
    return user_create(
        actor=None,
        username=fields.pop("username", f"staff{n}"),
        password=PASSWORD,
        role=role,
        first_name=fields.pop("first_name", "Staff"),
        last_name=fields.pop("last_name", f"Member{n}"),
        **fields,
    )


def make_token(user: User, *, expires_at: dt.datetime | None = None) -> str:
    return api_token_create(actor=user, name="tests", expires_at=expires_at).secret


def token_client(user: User) -> Client:
    """A client that authenticates every request with a fresh token of `user`."""
    return Client(headers={"Authorization": f"Bearer {make_token(user)}"})


def make_case(
    actor: User,
    *,
    title: str = "People v. Doe",
    received_on: dt.date | None = None,
    number: str = "",
) -> Case:
    return case_open(
        actor=actor,
        title=title,
        received_on=received_on or timezone.localdate(),
        number=number,
    )


def add_person(
    actor: User,
    case: Case,
    *,
    first_name: str = "Jordan",
    last_name: str = "Doe",
    role: ParticipantRole = ParticipantRole.DEFENDANT,
    aliases: Iterable[str] = (),
) -> Participant:
    person = person_create(actor=actor, first_name=first_name, last_name=last_name, aliases=aliases)
    return participant_add(actor=actor, case_id=case.pk, person=person, role=role)


def file_counts(
    actor: User,
    participant: Participant,
    *,
    statute_key: str = "720-5/12-3.05",
    counts: int = 1,
) -> list[Charge]:
    return charges_file(
        actor=actor,
        case_id=participant.case_id,
        participant_id=participant.pk,
        statute_key=statute_key,
        counts=counts,
        filed_on=timezone.localdate(),
    )


def put_on_team(
    actor: User, case: Case, user: User, role: AssignmentRole = AssignmentRole.MEMBER
) -> None:
    case_assign(actor=actor, case_id=case.pk, user=user, role=role)
