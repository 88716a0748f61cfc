"""The inbox page: the same messages as `inbox`, a page at a time, newest first."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from evenhand.accounts.models import Role, User
from evenhand.cases import services as cases
from evenhand.comms.models import Message
from evenhand.comms.selectors import inbox, inbox_page
from evenhand.comms.services import message_send
from evenhand.screening.models import ScreenKind
from evenhand.screening.services import screen_raise
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PER_PAGE = 25


def _send(sender: User, to: User, subject: str, case_ids: list[int] | None = None) -> Message:
    return message_send(
        actor=sender,
        recipients=[to],
        subject=subject,
        body="Please look at this.",
        case_ids=case_ids or [],
        attachments=[],
        thread_id=None,
    )


def test_pages_hold_the_inbox_in_order_with_recipients_and_cases() -> None:
    raman = make_user(role=Role.ASSISTANT_STATES_ATTORNEY)
    keogh = make_user(role=Role.FIRST_ASSISTANT)
    case = cases.case_open(actor=raman, title="People v. Example", received_on=dt.date(2019, 2, 1))
    sent = [_send(raman, keogh, f"Question {n}", [case.pk] if n % 2 else None) for n in range(27)]
    expected = list(inbox(user=keogh))
    assert {m.pk for m in expected} == {m.pk for m in sent}

    first = inbox_page(user=keogh, number="1", per_page=PER_PAGE)
    second = inbox_page(user=keogh, number="2", per_page=PER_PAGE)
    assert first.paginator.count == 27
    assert first.paginator.num_pages == 2
    assert list(first) + list(second) == expected
    tagged = next(m for m in second if m.cases.all())
    assert [c.pk for c in tagged.cases.all()] == [case.pk]
    assert [r.user for r in tagged.recipients.all()] == [keogh]
    # Past the end, the last page (as Paginator.get_page answers).
    assert list(inbox_page(user=keogh, number="9", per_page=PER_PAGE)) == list(second)


def test_a_message_tagged_to_a_case_screened_from_the_reader_is_not_listed() -> None:
    raman = make_user(role=Role.ASSISTANT_STATES_ATTORNEY)
    keogh = make_user(role=Role.FIRST_ASSISTANT)
    ethics = make_user(role=Role.ETHICS_OFFICER)
    case = cases.case_open(actor=raman, title="People v. Example", received_on=dt.date(2019, 2, 1))
    hidden = _send(raman, keogh, "About the case", [case.pk])
    shown = _send(raman, keogh, "Lunch")
    screen_raise(
        actor=ethics,
        kind=ScreenKind.EXCLUSIONARY,
        users=[keogh],
        case_ids=[case.pk],
        reason="Recusal",
        memo="Do not discuss the case.",
        screened_terms=(),
    )
    page = inbox_page(user=keogh, number=None, per_page=PER_PAGE)
    assert list(page) == list(inbox(user=keogh)) == [shown]
    assert hidden.pk not in {m.pk for m in page}


def test_the_inbox_view_shows_the_requested_page(client: Client) -> None:
    raman = make_user(role=Role.ASSISTANT_STATES_ATTORNEY)
    keogh = make_user(role=Role.FIRST_ASSISTANT)
    for n in range(PER_PAGE + 1):
        _send(raman, keogh, f"Question {n:02d}")
    client.force_login(keogh)
    first = client.get("/messages/").content.decode()
    second = client.get("/messages/?page=2").content.decode()
    assert "Question 25" in first
    assert "Question 00" not in first
    assert "Question 00" in second
    assert "Question 25" not in second
    assert "Page 2 of 2" in second
