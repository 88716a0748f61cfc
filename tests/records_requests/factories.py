"""Records-request test data, made through the services (fictional cast of SCENARIO.md)."""

from __future__ import annotations

import datetime as dt

from evenhand.accounts.models import Role, User
from evenhand.cases.models import Case
from evenhand.comms.models import Message
from evenhand.comms.services import message_send
from evenhand.records_requests.models import RecordsRequest
from evenhand.records_requests.services import NewRequest, request_receive
from evenhand.sealing.models import SealingKind, SealingOrder, UnsealingOrder
from evenhand.sealing.services import (
    OrderParticulars,
    sealing_order_record,
    unsealing_order_record,
)
from tests.factories import make_user

ORTIZ_REQUEST = (
    "All communications between Dana Whitlock and Martin Keogh about People v. Jordan Vale, "
    "January to April 2019."
)
PRIVATE_BODY = (
    "Martin, call me on my cell 312-555-0142 or write to dana.whitlock.home@gmail.com "
    "before the hearing. Office line is fine too: dwhitlock@cookcountysao.org."
)


def make_officer() -> User:
    return make_user(role=Role.RECORDS_OFFICER, first_name="Ellen", last_name="Park")


def make_records_request(
    officer: User,
    *,
    received_on: dt.date = dt.date(2019, 4, 8),
    description: str = ORTIZ_REQUEST,
    requester_class: str = "standard",
    class_basis: str = "",
    medium: str = "electronic",
) -> RecordsRequest:
    return request_receive(
        actor=officer,
        new=NewRequest(
            requester_name="Sam Ortiz",
            requester_organisation="Chicago Ledger",
            requester_email="sam.ortiz@example.org",
            description=description,
            medium=medium,
        ),
        channel="email",
        received_on=received_on,
        requester_class=requester_class,
        class_basis=class_basis,
    )


def whitlock_writes_keogh(*, body: str = PRIVATE_BODY, case: Case | None = None) -> Message:
    whitlock = make_user(role=Role.STATES_ATTORNEY, first_name="Dana", last_name="Whitlock")
    keogh = make_user(role=Role.FIRST_ASSISTANT, first_name="Martin", last_name="Keogh")
    return message_send(
        actor=whitlock,
        recipients=[keogh],
        subject="The Vale matter",
        body=body,
        case_ids=[case.pk] if case is not None else [],
    )


def _order(order_date: dt.date, reference: str) -> OrderParticulars:
    return OrderParticulars(
        court="Circuit Court of Cook County",
        judge="Rosa Castellanos",
        order_date=order_date,
        order_reference=reference,
    )


def seal(case: Case, *, on: dt.date = dt.date(2019, 3, 26)) -> SealingOrder:
    return sealing_order_record(
        actor=make_user(role=Role.FIRST_ASSISTANT),
        case_id=case.pk,
        kind=SealingKind.IMMEDIATE,
        particulars=_order(on, "19-CR-03100"),
    )


def unseal(case: Case, *, on: dt.date = dt.date(2019, 5, 23)) -> UnsealingOrder:
    return unsealing_order_record(
        actor=make_user(role=Role.FIRST_ASSISTANT),
        case_id=case.pk,
        particulars=_order(on, "19-CR-03100-U"),
    )
