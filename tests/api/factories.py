"""Test data built through the real services, so every row is one the application could make.

Each test builds what it needs; nothing here is shared between tests.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.test import Client
from django.utils import timezone

from evenhand.accounts.models import Role, User
from evenhand.accounts.services import api_token_create, user_create
from evenhand.cases.models import (
    AssignmentRole,
    Case,
    Charge,
    ContactChannel,
    Participant,
    ParticipantRole,
    Person,
    RelationshipKind,
)
from evenhand.cases.services import (
    case_assign,
    case_open,
    charges_file,
    contact_log,
    participant_add,
    person_create,
    relationship_add,
)
from evenhand.screening.models import Screen, ScreenKind
from evenhand.screening.services import screen_raise
from tests.factories import appoint

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
    if user.is_external:
        appoint(case, user)  # the only way an external appointee joins a case team
    else:
        case_assign(actor=actor, case_id=case.pk, user=user, role=role)


def post_json(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, body, content_type="application/json")


@dataclass
class ValeOffice:
    """The reference scenario's office, as of step 1: one case with Jordan Vale as victim,
    his relative Tina Vale on record (not a participant), and the office's key people."""

    whitlock: User  # State's Attorney
    keogh: User  # First Assistant
    raman: User  # the assigned ASA
    ethics: User
    brandt: User  # inspector general
    case: Case
    jordan: Person
    tina: Person


def vale_office() -> ValeOffice:
    raman = make_user(username="praman", first_name="Priya", last_name="Raman")
    case = make_case(raman, title="People v. Unknown (attack on Jordan Vale)")
    jordan = person_create(actor=raman, first_name="Jordan", last_name="Vale")
    participant_add(actor=raman, case_id=case.pk, person=jordan, role=ParticipantRole.VICTIM)
    tina = person_create(actor=raman, first_name="Tina", last_name="Vale")
    relationship_add(
        actor=raman, from_person=tina, to_person=jordan, kind=RelationshipKind.RELATIVE_OF
    )
    return ValeOffice(
        whitlock=make_user(
            Role.STATES_ATTORNEY, username="dwhitlock", first_name="Dana", last_name="Whitlock"
        ),
        keogh=make_user(
            Role.FIRST_ASSISTANT, username="mkeogh", first_name="Martin", last_name="Keogh"
        ),
        raman=raman,
        ethics=make_user(Role.ETHICS_OFFICER, username="ethics"),
        brandt=make_user(
            Role.INSPECTOR_GENERAL, username="pbrandt", first_name="Paula", last_name="Brandt"
        ),
        case=case,
        jordan=jordan,
        tina=tina,
    )


def log_contact(office: ValeOffice, staff: User) -> None:
    """Tina Vale contacts `staff` about the case (which flags a potential conflict)."""
    contact_log(
        actor=office.raman,
        staff=staff,
        person=office.tina,
        case_id=office.case.pk,
        channel=ContactChannel.PHONE,
        occurred_at=timezone.now() - dt.timedelta(hours=1),
        summary="Asks about the investigation.",
    )


def screen_off(actor: User, users: list[User], case: Case, *, terms: Iterable[str] = ()) -> Screen:
    return screen_raise(
        actor=actor,
        kind=ScreenKind.EXCLUSIONARY,
        users=users,
        case_ids=[case.pk],
        reason="Prior involvement.",
        memo="Do not discuss the case.",
        screened_terms=terms,
    )
