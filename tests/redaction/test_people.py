"""The detector learns the case's people from the database, through the access policy."""

from __future__ import annotations

import pytest

from evenhand.accounts.models import Role
from evenhand.cases.models import ParticipantRole
from evenhand.redaction.detect import FindingKind, detect
from evenhand.redaction.people import known_people
from evenhand.screening.models import ScreenKind
from evenhand.screening.services import screen_raise
from tests.factories import add_participant, make_case, make_user

pytestmark = pytest.mark.django_db


def test_participants_are_redacted_and_officials_and_staff_are_not() -> None:
    raman = make_user(role=Role.ASSISTANT_STATES_ATTORNEY, first_name="Priya", last_name="Raman")
    case = make_case(actor=raman)
    add_participant(case, actor=raman, first_name="Jordan", last_name="Vale", aliases=["J-Vale"])
    add_participant(
        case,
        actor=raman,
        role=ParticipantRole.DEFENCE_ATTORNEY,
        first_name="Victor",
        last_name="Lang",
    )
    people = known_people(user=raman, case_ids=[case.pk])
    text = "Jordan Vale (aka J-Vale) met Victor Lang; ASA Priya Raman was told."
    names = [f.text for f in detect(text, known_people=people) if f.kind == FindingKind.PERSON_NAME]
    assert names == ["Jordan Vale", "J-Vale"]


def test_cases_the_user_may_not_read_give_no_people() -> None:
    raman = make_user(role=Role.ASSISTANT_STATES_ATTORNEY)
    keogh = make_user(role=Role.FIRST_ASSISTANT)
    case = make_case(actor=raman)
    add_participant(case, actor=raman, first_name="Jordan", last_name="Vale")
    screen_raise(
        actor=make_user(role=Role.ETHICS_OFFICER),
        kind=ScreenKind.EXCLUSIONARY,
        users=[keogh],
        case_ids=[case.pk],
        reason="Recusal",
        memo="Do not discuss the case.",
    )
    assert all(
        not p.full_name.startswith("Jordan") for p in known_people(user=keogh, case_ids=[case.pk])
    )
