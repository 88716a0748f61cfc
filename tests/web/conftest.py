"""Fixtures of the web tests: an ASA and a case of theirs (modules may define their own)."""

from __future__ import annotations

import pytest

from evenhand.accounts.models import Role, User
from evenhand.cases.models import Case
from tests.factories import make_case, make_user


@pytest.fixture
def asa() -> User:
    return make_user(role=Role.ASSISTANT_STATES_ATTORNEY, first_name="Priya", last_name="Raman")


@pytest.fixture
def case(asa: User) -> Case:
    return make_case(actor=asa, title="Report of an attack on Jordan Vale")
