"""Charging worlds built through the services (fictional cast only)."""

from __future__ import annotations

from dataclasses import dataclass

from evenhand.accounts.models import Role, User
from evenhand.cases.models import Case, Participant
from tests.factories import add_participant, make_case, make_user


@dataclass(frozen=True)
class ChargingWorld:
    asa: User
    case: Case
    defendant: Participant


def charging_world() -> ChargingWorld:
    asa = make_user(role=Role.ASSISTANT_STATES_ATTORNEY, first_name="Priya", last_name="Raman")
    case = make_case(actor=asa, title="People v. Jordan Vale")
    defendant = add_participant(case, actor=asa, first_name="Jordan", last_name="Vale")
    return ChargingWorld(asa=asa, case=case, defendant=defendant)
