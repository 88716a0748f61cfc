"""A small office for search tests: the Vale case with people, events, charges and messages,
a second case, and the staff whose access differs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from evenhand.accounts.models import Role, User
from evenhand.cases import services as cases
from evenhand.cases.models import Case, CaseEventKind, Participant, ParticipantRole
from evenhand.comms.models import Message
from evenhand.comms.services import message_send
from evenhand.search.selectors import SearchFilters, SearchResults, search_records
from tests.factories import add_participant, make_user

VALE_NUMBER = "2019-CR-000417"
OTHER_NUMBER = "2019-CR-000555"


@dataclass
class Office:
    raman: User  # ASA on the Vale case
    keogh: User
    ortiz_clerk: User  # another ASA
    records: User  # Ellen Park, records officer
    ethics: User
    vale_case: Case
    other_case: Case
    vale: Participant


def make_office() -> Office:
    raman = make_user(role=Role.ASSISTANT_STATES_ATTORNEY, first_name="Priya", last_name="Raman")
    vale_case = cases.case_open(
        actor=raman,
        title="People v. Jordan Vale",
        received_on=dt.date(2019, 1, 29),
        number=VALE_NUMBER,
        summary="Reported attack near the Streeterville apartment; false report suspected.",
    )
    vale = add_participant(
        vale_case,
        actor=raman,
        role=ParticipantRole.VICTIM,
        first_name="Jordan",
        last_name="Vale",
        aliases=["J. Vale"],
    )
    add_participant(
        vale_case,
        actor=raman,
        role=ParticipantRole.RELATIVE,
        first_name="Christina",
        last_name="Vale",
    )
    cases.case_event_record(
        actor=raman,
        case_id=vale_case.pk,
        kind=CaseEventKind.INVESTIGATION,
        occurred_at=dt.datetime(2019, 2, 14, 15, 0, tzinfo=dt.UTC),
        summary="Detective Ruiz reviewed the surveillance footage from the rideshare.",
    )
    other_case = cases.case_open(
        actor=raman,
        title="People v. Morgan Hale",
        received_on=dt.date(2019, 6, 3),
        number=OTHER_NUMBER,
        summary="Retail theft; surveillance footage requested from the store.",
    )
    add_participant(other_case, actor=raman, first_name="Morgan", last_name="Hale")
    return Office(
        raman=raman,
        keogh=make_user(role=Role.FIRST_ASSISTANT, first_name="Martin", last_name="Keogh"),
        ortiz_clerk=make_user(role=Role.ASSISTANT_STATES_ATTORNEY),
        records=make_user(role=Role.RECORDS_OFFICER, first_name="Ellen", last_name="Park"),
        ethics=make_user(role=Role.ETHICS_OFFICER),
        vale_case=vale_case,
        other_case=other_case,
        vale=vale,
    )


def send(
    sender: User, to: list[User], body: str, *, case_ids: tuple[int, ...] = (), subject: str = ""
) -> Message:
    return message_send(
        actor=sender,
        recipients=to,
        subject=subject or "About the file",
        body=body,
        case_ids=case_ids,
    )


def search(user: User, query: str, filters: SearchFilters | None = None) -> SearchResults:
    return search_records(user=user, query=query, filters=filters or SearchFilters())
