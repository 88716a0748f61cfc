"""Rank first, check access on the head of the ranking: a searcher who may see only a few of
many matches gets exactly those, in the order everyone else sees them, across pages; the count
never depends on the hits they may not see."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from evenhand.accounts.models import User
from evenhand.audit.models import AuditAction, AuditEntry
from evenhand.cases import services as cases
from evenhand.cases.models import CaseEventKind
from evenhand.screening.models import ScreenKind
from evenhand.screening.services import screen_raise
from evenhand.sealing.models import SealingKind
from evenhand.sealing.services import OrderParticulars, sealing_order_record
from evenhand.search import ranking, selectors
from evenhand.search.query import parse
from evenhand.search.selectors import HitKind, SearchFilters
from tests.factories import json_object
from tests.search.factories import VALE_NUMBER, Office, make_office, search, send

pytestmark = pytest.mark.django_db

MESSAGES_ONLY = (HitKind.MESSAGE,)


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of one and a short ranked prefetch, so a handful of records needs many
    widening rounds (the production sizes need thousands of records to show it)."""
    monkeypatch.setattr(ranking, "FIRST_BATCH", 1)
    monkeypatch.setattr(ranking, "RANKED_PREFETCH", 2)


def _mixed_messages(office: Office, hidden: int) -> list[int]:
    """Timeline messages of varying relevance, a quarter of them readable by the clerk. Of
    the rest, a third are sent to the clerk too but tagged to the Vale case, from which the
    clerk is then walled (they pass the cheap pre-filter and only the access checks refuse
    them); the others pass between Raman and Keogh. Returns the clerk's readable ids."""
    visible = []
    for number in range(hidden + hidden // 3):
        # More repetitions of the word rank higher; the mix spreads the clerk's few messages
        # through the ranking rather than leaving them at one end.
        body = " ".join(["timeline"] * (1 + number % 5)) + f" entry {number} of the file"
        if number % 4 == 3:
            visible.append(send(office.raman, [office.ortiz_clerk], body).pk)
        elif number % 4 == 0:
            send(office.raman, [office.ortiz_clerk], body, case_ids=(office.vale_case.pk,))
        else:
            send(office.raman, [office.keogh], body)
    screen_raise(
        actor=office.ethics,
        kind=ScreenKind.EXCLUSIONARY,
        users=[office.ortiz_clerk],
        case_ids=[office.vale_case.pk],
        reason="Recusal",
        memo="Do not discuss the case.",
    )
    return visible


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


def _every_page(user: User, query: str, page_size: int) -> list[int]:
    found: list[int] = []
    page = 1
    while True:
        results = search(
            user, query, SearchFilters(kinds=MESSAGES_ONLY, page=page, page_size=page_size)
        )
        found.extend(hit.object_id for hit in results.hits)
        if not results.has_next:
            return found
        page += 1


@pytest.mark.usefixtures("small_batches")
@pytest.mark.parametrize("page_size", [1, 2, 3])
def test_a_searcher_seeing_few_of_many_matches_gets_exactly_those_in_rank_order(
    page_size: int,
) -> None:
    office = make_office()
    visible = _mixed_messages(office, hidden=12)
    # The records office sees every message: its order is the ranking itself.
    everything = _every_page(office.records, "timeline", page_size=50)
    assert len(everything) == 16
    expected = [message_id for message_id in everything if message_id in visible]
    assert len(expected) == 4
    paged = _every_page(office.ortiz_clerk, "timeline", page_size)
    assert paged == expected
    first = search(office.ortiz_clerk, "timeline", SearchFilters(kinds=MESSAGES_ONLY))
    assert (first.total, first.total_is_lower_bound, first.newest_first) == (4, False, False)


@pytest.mark.usefixtures("small_batches")
def test_common_words_are_listed_newest_first_and_filtered_the_same_way(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    office = make_office()
    visible = _mixed_messages(office, hidden=9)
    monkeypatch.setattr(ranking, "RANK_LIMIT", 3)
    if connection.vendor == "postgresql":
        # The planner's estimate comes from the column's lexeme statistics.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE search_searchdocument")
    assert ranking.estimated_matches(parse("timeline")) > 3
    everything = _every_page(office.records, "timeline", page_size=50)
    assert everything == sorted(everything, reverse=True)  # same day: newest index row first
    paged = _every_page(office.ortiz_clerk, "timeline", page_size=2)
    assert paged == sorted(visible, reverse=True)
    results = search(office.ortiz_clerk, "timeline", SearchFilters(kinds=MESSAGES_ONLY))
    assert results.newest_first
    entry = AuditEntry.objects.filter(action=AuditAction.SEARCH_PERFORMED).latest("seq")
    assert json_object(entry.after)["order"] == "newest"


@pytest.mark.usefixtures("small_batches")
def test_beyond_the_horizon_the_total_is_a_lower_bound_of_visible_hits_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(selectors, "COUNT_HORIZON", 2)
    office = make_office()
    visible = _mixed_messages(office, hidden=12)
    first = search(office.ortiz_clerk, "timeline", SearchFilters(kinds=MESSAGES_ONLY, page_size=1))
    assert (first.total, first.total_is_lower_bound, first.has_next) == (2, True, True)
    # Asking for the last page moves the horizon to its end: the count is then exact.
    last = search(
        office.ortiz_clerk, "timeline", SearchFilters(kinds=MESSAGES_ONLY, page=4, page_size=1)
    )
    assert (last.total, last.total_is_lower_bound, last.has_next) == (4, False, False)
    assert len(visible) == 4


@pytest.mark.usefixtures("small_batches")
@pytest.mark.parametrize("horizon", [2, 100])
def test_the_count_and_pages_do_not_change_with_the_hidden_matches(
    monkeypatch: pytest.MonkeyPatch, horizon: int
) -> None:
    monkeypatch.setattr(selectors, "COUNT_HORIZON", horizon)
    office = make_office()
    _mixed_messages(office, hidden=3)

    def seen() -> tuple[object, ...]:
        results = search(office.ortiz_clerk, "timeline", SearchFilters(page_size=1))
        hits = tuple(hit.object_id for hit in results.hits)
        return (hits, results.total, results.total_is_lower_bound, results.has_next)

    before = seen()
    # Highly ranked records of the case the clerk is walled from: they reach the access
    # checks (they are not messages) and are refused there.
    for number in range(20):
        cases.case_event_record(
            actor=office.raman,
            case_id=office.vale_case.pk,
            kind=CaseEventKind.NOTE,
            occurred_at=dt.datetime(2019, 3, 1, 9, number, tzinfo=dt.UTC),
            summary=f"timeline timeline timeline hidden {number}",
        )
    assert len(search(office.records, "timeline", SearchFilters(page_size=50)).hits) == 24
    assert seen() == before


@pytest.mark.usefixtures("small_batches")
@pytest.mark.parametrize("rank_limit", [10_000, 3])
def test_sealed_records_ranked_first_are_passed_over_on_an_unfiltered_search(
    monkeypatch: pytest.MonkeyPatch, rank_limit: int
) -> None:
    """The records office's unfiltered search reads the ranking straight from the full-text
    index (no filter to apply): the sealed case's records are refused by the checks there."""
    office = make_office()
    for number in range(6):
        send(
            office.raman,
            [office.keogh],
            f"timeline timeline timeline sealed {number}",
            case_ids=(office.vale_case.pk,),
        )
    for number in range(3):
        send(office.raman, [office.keogh], f"timeline open {number} of the file and more words")
    before = _every_page(office.records, "timeline", page_size=50)
    _seal(office)
    monkeypatch.setattr(ranking, "RANK_LIMIT", rank_limit)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE search_searchdocument")
    pages = []
    page = 1
    while True:
        results = search(office.records, "timeline", SearchFilters(page=page, page_size=1))
        pages.append(results)
        if not results.has_next:
            break
        page += 1
    found = [hit.object_id for results in pages for hit in results.hits]
    assert len(found) == 3
    assert {results.withheld_case_numbers for results in pages} == {(VALE_NUMBER,)}
    assert pages[0].newest_first == (rank_limit == 3)
    if rank_limit == 3:
        assert found == sorted(found, reverse=True)
    else:
        assert found == [message_id for message_id in before if message_id in found]
