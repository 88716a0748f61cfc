"""factory_boy factories (fictional names only) that create through the audited services, so every test world has a
valid audit chain, exactly as production data would."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory

from evenhand.accounts.models import Role, User
from evenhand.accounts.services import user_create
from evenhand.cases import services
from evenhand.cases.models import Case, Participant, ParticipantRole, Person
from evenhand.demo.history import FIRST_NAMES, LAST_NAMES

TEST_PASSWORD = "correct-horse-battery-staple-42"


class UserFactory(factory.Factory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = factory.Iterator(FIRST_NAMES)
    last_name = factory.Iterator(LAST_NAMES)
    role = Role.ASSISTANT_STATES_ATTORNEY

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        return user_create(actor=None, password=TEST_PASSWORD, **kwargs)


class PersonFactory(factory.Factory):
    class Meta:
        model = Person

    first_name = factory.Iterator(FIRST_NAMES)
    last_name = factory.Iterator(LAST_NAMES)
    actor = factory.SubFactory(UserFactory)

    @classmethod
    def _create(cls, model_class: type[Person], *args: Any, **kwargs: Any) -> Person:
        return services.person_create(**kwargs)


class CaseFactory(factory.Factory):
    class Meta:
        model = Case

    title = factory.Sequence(lambda n: f"People v. Test {n}")
    received_on = dt.date(2019, 1, 29)
    actor = factory.SubFactory(UserFactory)

    @classmethod
    def _create(cls, model_class: type[Case], *args: Any, **kwargs: Any) -> Case:
        return services.case_open(**kwargs)


def add_participant(
    case: Case, *, actor: User, role: ParticipantRole = ParticipantRole.DEFENDANT, **person: Any
) -> Participant:
    return services.participant_add(
        actor=actor,
        case_id=case.pk,
        person=PersonFactory(actor=actor, **person),
        role=role,
    )
