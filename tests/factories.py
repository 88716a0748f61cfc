"""Factories that create through the audited services, so every test world has a valid audit
chain, exactly as production data would. Names are fictional only (the demo's invented lists).

Plain typed functions rather than factory_boy classes: factory_boy has no type information, and
these need nothing beyond sequences and defaults.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from typing import Any

from evenhand.accounts.models import Role, User
from evenhand.accounts.services import user_create
from evenhand.cases import services
from evenhand.cases.models import Case, Participant, ParticipantRole, Person
from evenhand.demo.history import FIRST_NAMES, LAST_NAMES
from evenhand.screening.models import ScreenKind
from evenhand.screening.services import screen_raise

TEST_PASSWORD = "correct-horse-battery-staple-42"
_serial = itertools.count(1)


def _next() -> int:
    return next(_serial)


def make_user(
    *,
    role: Role = Role.ASSISTANT_STATES_ATTORNEY,
    username: str = "",
    first_name: str = "",
    last_name: str = "",
) -> User:
    n = _next()
    return user_create(
        actor=None,
        username=username or f"staff{n}",
        password=TEST_PASSWORD,
        role=role,
        first_name=first_name or FIRST_NAMES[n % len(FIRST_NAMES)],
        last_name=last_name or LAST_NAMES[n % len(LAST_NAMES)],
    )


def make_person(
    *,
    actor: User | None = None,
    first_name: str = "",
    last_name: str = "",
    aliases: Iterable[str] = (),
) -> Person:
    n = _next()
    return services.person_create(
        actor=actor or make_user(),
        first_name=first_name or FIRST_NAMES[(n * 7) % len(FIRST_NAMES)],
        last_name=last_name or LAST_NAMES[(n * 11) % len(LAST_NAMES)],
        aliases=aliases,
    )


def make_case(
    *, actor: User | None = None, title: str = "", received_on: dt.date = dt.date(2019, 1, 29)
) -> Case:
    return services.case_open(
        actor=actor or make_user(),
        title=title or f"People v. Test {_next()}",
        received_on=received_on,
    )


def add_participant(
    case: Case,
    *,
    actor: User,
    role: ParticipantRole = ParticipantRole.DEFENDANT,
    first_name: str = "",
    last_name: str = "",
    aliases: Iterable[str] = (),
) -> Participant:
    person = make_person(actor=actor, first_name=first_name, last_name=last_name, aliases=aliases)
    return services.participant_add(actor=actor, case_id=case.pk, person=person, role=role)


def json_object(value: object) -> dict[str, Any]:
    """An audit entry's before/after, asserted to be a JSON object."""
    assert isinstance(value, dict), value
    return value


def appoint(case: Case, appointee: User) -> None:
    """Put an external special prosecutor on a case the only way the system allows: a
    petition to the court and the court's order, recorded by the First Assistant."""
    # Imported here: the appointments app is not needed by most tests using these factories.
    from django.utils import timezone  # noqa: PLC0415

    from evenhand.appointments.models import AppointeeSource, PetitionGround  # noqa: PLC0415
    from evenhand.appointments.services import court_order_record, petition_draft  # noqa: PLC0415

    first_assistant = make_user(role=Role.FIRST_ASSISTANT)
    petition = petition_draft(
        actor=first_assistant,
        case_id=case.pk,
        ground=PetitionGround.UNABLE,
        facts="The State's Attorney is unable to act in this case.",
    )
    court_order_record(
        actor=first_assistant,
        petition_id=petition.pk,
        judge="Rosa Castellanos",
        order_date=timezone.localdate(),
        appointee_username=appointee.username,
        appointee_first_name="",
        appointee_last_name="",
        appointee_source=AppointeeSource.PRIVATE_COUNSEL,
    )
    case.refresh_from_db()


def screen_from(case_id: int, user: User) -> None:
    """Wall `user` off the case with an exclusionary screen raised by the ethics officer."""
    screen_raise(
        actor=make_user(role=Role.ETHICS_OFFICER),
        kind=ScreenKind.EXCLUSIONARY,
        users=[user],
        case_ids=[case_id],
        reason="Relative of the defendant",
        memo="Do not read, change, decide or discuss this case.",
    )
