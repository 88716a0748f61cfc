"""search_records: ranked, highlighted, filtered hits that respect screens, message rules and
sealing; every search audited; no input can break the query."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from evenhand.accounts.models import Role
from evenhand.audit.models import AuditAction, AuditEntry
from evenhand.comms.models import MessageStatus
from evenhand.screening.models import ScreenKind
from evenhand.screening.services import screen_raise
from evenhand.sealing.models import SealingKind
from evenhand.sealing.services import OrderParticulars, sealing_order_record
from evenhand.search.selectors import HitKind, SearchFilters, search_records
from tests.factories import json_object, make_user
from tests.search.factories import OTHER_NUMBER, VALE_NUMBER, Office, make_office, search, send

pytestmark = pytest.mark.django_db


def _wall(office: Office, *users: object) -> None:
    screen_raise(
        actor=office.ethics,
        kind=ScreenKind.EXCLUSIONARY,
        users=list(users),  # type: ignore[arg-type]  # Users, typed loosely for the varargs
        case_ids=[office.vale_case.pk],
        reason="Recusal",
        memo="Do not discuss the case.",
    )


def _seal(office: Office) -> None:
    sealing_order_record(
        actor=office.raman,
        case_id=office.vale_case.pk,
        kind=SealingKind.IMMEDIATE,
        particulars=OrderParticulars(
            court="Circuit Court of Cook County",
            judge="Rosa Castellanos",
            order_date=dt.date(2019, 3, 26),
            order_reference="2019-SO-0001",
        ),
    )


def test_words_and_phrases_find_case_records_ranked_and_highlighted() -> None:
    office = make_office()
    results = search(office.raman, "surveillance footage")
    assert {(hit.kind, hit.case_number) for hit in results.hits} == {
        (HitKind.EVENT, VALE_NUMBER),
        (HitKind.CASE, OTHER_NUMBER),
    }
    assert all("<mark>footage</mark>" in hit.snippet for hit in results.hits)
    phrase = search(office.raman, '"surveillance footage from the rideshare"')
    assert [hit.kind for hit in phrase.hits] == [HitKind.EVENT]
    # The title weighs most: the case named after Vale ranks above records that mention him.
    named = search(office.raman, "Vale")
    assert named.hits[0].kind == HitKind.CASE
    assert named.hits[0].title == f"{VALE_NUMBER} People v. Jordan Vale"


def test_snippets_escape_the_record_and_mark_only_the_match() -> None:
    office = make_office()
    send(office.raman, [office.keogh], "Bring the <img src=x onerror=alert(1)> timeline & notes")
    results = search(office.raman, "timeline")
    assert len(results.hits) == 1
    snippet = str(results.hits[0].snippet)
    assert "<img" not in snippet
    assert "&lt;img" in snippet
    assert "<mark>timeline</mark> &amp; notes" in snippet


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "NEAR(",
        "*",
        "footage*",
        "body:footage",
        "AND OR NOT",
        ")(",
        "^footage",
        "'",
        '"unbalanced footage',
        "\x00",
        "foot-age",
        "-footage",
        "ü ñ 漢字",
    ],
)
def test_any_query_text_is_plain_words_and_never_an_error(query: str) -> None:
    office = make_office()
    results = search(office.raman, query)
    assert results.total == len(results.hits)


class TestArbitraryQueries(HypothesisTestCase):
    @settings(max_examples=40, deadline=None)
    @given(st.text(max_size=40))
    def test_arbitrary_text(self, query: str) -> None:
        user = make_user(role=Role.ASSISTANT_STATES_ATTORNEY)
        results = search_records(user=user, query=query, filters=SearchFilters())
        assert results.total >= len(results.hits)


def test_a_screened_user_finds_nothing_of_the_case_and_learns_nothing_of_it() -> None:
    office = make_office()
    send(office.raman, [office.keogh], "Footage timeline", case_ids=(office.vale_case.pk,))
    _wall(office, office.keogh)
    results = search(office.keogh, "footage")
    assert [hit.case_number for hit in results.hits] == [OTHER_NUMBER]
    assert results.withheld_case_numbers == ()
    assert search(office.keogh, "Vale").total == 0


def test_messages_are_found_by_their_parties_and_the_records_office_only() -> None:
    office = make_office()
    message = send(office.raman, [office.keogh], "The rideshare receipt is in.")
    assert [hit.object_id for hit in search(office.keogh, "rideshare receipt").hits] == [message.pk]
    assert search(office.ortiz_clerk, "rideshare receipt").total == 0
    found = search(office.records, "rideshare receipt")
    assert [(hit.kind, hit.object_id) for hit in found.hits] == [(HitKind.MESSAGE, message.pk)]


def test_held_messages_are_found_by_the_records_office_as_held() -> None:
    office = make_office()
    whitlock = make_user(role=Role.STATES_ATTORNEY, first_name="Dana", last_name="Whitlock")
    _wall(office, whitlock)
    held = send(whitlock, [office.keogh], "16 counts on a class 4 against Jordan Vale is a lot")
    assert held.status == MessageStatus.HELD
    results = search(office.records, "16 counts class")
    assert [(hit.kind, hit.case_number) for hit in results.hits] == [
        (HitKind.HELD_MESSAGE, VALE_NUMBER)
    ]
    only_held = search(office.records, "counts", SearchFilters(kinds=(HitKind.HELD_MESSAGE,)))
    assert only_held.total == 1
    assert search(office.records, "counts", SearchFilters(kinds=(HitKind.MESSAGE,))).total == 0
    # The recipient never saw it; the walled sender cannot use search to read about the case.
    assert search(office.keogh, "16 counts").total == 0


def test_sealed_cases_are_withheld_by_number_only() -> None:
    office = make_office()
    send(office.raman, [office.records], "Footage request logged", case_ids=(office.vale_case.pk,))
    _seal(office)
    results = search(office.records, "footage")
    assert [hit.case_number for hit in results.hits] == [OTHER_NUMBER]
    assert results.withheld_case_numbers == (VALE_NUMBER,)
    assert results.withheld_citation == "20 ILCS 2630/13(c)"
    # Nothing withheld when the sealed case has no matching record.
    assert search(office.records, "retail theft").withheld_case_numbers == ()


def test_sealed_and_walled_case_is_neither_shown_nor_reported() -> None:
    office = make_office()
    _wall(office, office.keogh)
    _seal(office)
    results = search(office.keogh, "footage")
    assert results.withheld_case_numbers == ()
    assert [hit.case_number for hit in results.hits] == [OTHER_NUMBER]


def test_filters_by_case_person_date_and_kind() -> None:
    office = make_office()
    by_case = search(office.raman, "footage", SearchFilters(case_ids=(office.other_case.pk,)))
    assert [hit.case_number for hit in by_case.hits] == [OTHER_NUMBER]
    # "Tina" is a nickname of Christina Vale, a participant in the Vale case only.
    by_name = search(office.raman, "footage", SearchFilters(people=("Tina Vale",)))
    assert [hit.case_number for hit in by_name.hits] == [VALE_NUMBER]
    by_id = search(office.raman, "footage", SearchFilters(people=(office.vale.person_id,)))
    assert [hit.case_number for hit in by_id.hits] == [VALE_NUMBER]
    in_june = SearchFilters(date_from=dt.date(2019, 6, 1), date_to=dt.date(2019, 6, 30))
    assert [hit.case_number for hit in search(office.raman, "footage", in_june).hits] == [
        OTHER_NUMBER
    ]
    events = search(office.raman, "footage", SearchFilters(kinds=(HitKind.EVENT,)))
    assert [hit.kind for hit in events.hits] == [HitKind.EVENT]


def test_results_are_paginated() -> None:
    office = make_office()
    for number in range(5):
        send(office.raman, [office.keogh], f"Timeline update number {number}")
    first = search(office.raman, "timeline", SearchFilters(page_size=2))
    third = search(office.raman, "timeline", SearchFilters(page_size=2, page=3))
    assert (first.total, first.pages, first.has_next, len(first.hits)) == (5, 3, True, 2)
    assert (len(third.hits), third.has_next, third.has_previous) == (1, False, True)
    seen = {hit.object_id for hit in first.hits} | {hit.object_id for hit in third.hits}
    assert len(seen) == 3


def test_every_search_is_audited_with_its_query_and_filters() -> None:
    office = make_office()
    _seal(office)
    search(office.records, "footage", SearchFilters(kinds=(HitKind.EVENT,)))
    entry = AuditEntry.objects.filter(action=AuditAction.SEARCH_PERFORMED).latest("seq")
    assert entry.actor_id == office.records.pk
    after = json_object(entry.after)
    assert after["query"] == "footage"
    assert json_object(after["filters"])["kinds"] == ["event"]
    assert after["withheld_cases"] == [VALE_NUMBER]
