"""PostgreSQL's marker lexemes: a message's parties and a record's adjacent word pairs narrow
what the GIN index hands back, and never drop a record the words alone would match."""

from __future__ import annotations

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from evenhand.comms.services import NewAttachment, message_send
from evenhand.search.markers import adjacent_pairs, party_query, phrase_pairs_query
from evenhand.search.models import DocumentKind, SearchDocument
from evenhand.search.query import parse
from evenhand.search.ranking import match_query, tsquery
from evenhand.search.triggers import PHRASE_PAIRS_MAX_CHARS
from tests.search.factories import make_office, search

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the marker lexemes are PostgreSQL's (SQLite's FTS5 answers these from its own index)",
)


@pytest.mark.parametrize(
    ("rendered", "pairs"),
    [
        ("'grand' <-> 'juri'", [("grand", "juri")]),
        ("'grand' <-> 'juri' <-> 'subpoena'", [("grand", "juri"), ("juri", "subpoena")]),
        ("'state' <2> 'illinoi'", []),
        ("'cook' <-> 'counti' <2> 'attorney'", [("cook", "counti")]),
        ("'o''brien' <-> 'said'", [("o'brien", "said")]),
        ("'back\\\\slash' <1> 'word'", [("back\\slash", "word")]),
        ("'grand' & 'juri'", []),
        ("( 'grand' <-> 'juri' ) | 'x'", []),
        ("'grand' <-> <-> 'juri'", []),
        ("", []),
        (f"'{'x' * 41}' <-> 'juri'", []),
    ],
)
def test_adjacent_pairs_are_read_only_from_a_plain_chain_of_lexemes(
    rendered: str, pairs: list[tuple[str, str]]
) -> None:
    assert adjacent_pairs(rendered) == pairs


@postgres_only
@pytest.mark.django_db
def test_a_message_and_its_attachments_carry_their_parties_only() -> None:
    office = make_office()
    message = message_send(
        actor=office.raman,
        recipients=[office.keogh],
        subject="Footage",
        body="The rideshare footage is attached.",
        attachments=[
            NewAttachment(filename="notes.txt", content_type="text/plain", content=b"timeline")
        ],
    )
    rows = SearchDocument.objects.filter(message_id=message.pk)
    assert {row.kind for row in rows} == {DocumentKind.MESSAGE, DocumentKind.ATTACHMENT}
    for user, party in ((office.raman, True), (office.keogh, True), (office.records, False)):
        marked = rows.filter(search_vector=party_query(user.pk))
        assert marked.count() == (2 if party else 0), user
    # Records that are not messages are everyone's candidates.
    case_rows = SearchDocument.objects.filter(message_id__isnull=True)
    assert case_rows.exists()
    assert case_rows.filter(search_vector=party_query(office.records.pk)).count() == (
        case_rows.count()
    )


@postgres_only
@pytest.mark.django_db
def test_an_asa_finds_by_phrase_the_messages_they_sent_and_received_and_no_others() -> None:
    office = make_office()
    message_send(
        actor=office.raman,
        recipients=[office.ortiz_clerk],
        subject="Schedule",
        body="The grand jury sits on Tuesday.",
    )
    message_send(
        actor=office.keogh,
        recipients=[office.records],
        subject="Schedule",
        body="The grand jury sits on Friday.",
    )
    found = search(office.ortiz_clerk, '"grand jury"').hits
    assert len(found) == 1
    assert "Tuesday" in found[0].snippet
    assert len(search(office.records, '"grand jury"').hits) == 2


_WORDS = ["grand", "jury", "the", "of", "state", "illinois", "cook", "county", "and", "a"]


@postgres_only
@pytest.mark.django_db
def test_a_phrase_asks_the_index_only_for_records_with_its_words_side_by_side() -> None:
    adjacent, apart = (
        SearchDocument.objects.create(kind=DocumentKind.CASE, object_id=n, title="", body=body)
        for n, body in ((1, "The grand jury sat."), (2, "The jury was grand."))
    )
    pairs = phrase_pairs_query(parse('"grand jury"'))
    assert pairs is not None
    assert list(SearchDocument.objects.filter(search_vector=pairs)) == [adjacent]
    assert apart.pk not in SearchDocument.objects.filter(search_vector=pairs).values("pk")


@postgres_only
class PairsNeverDropAMatch(HypothesisTestCase):
    """For any record and any phrase from the same few words (stop words included), asking the
    index for the phrase's pairs as well finds exactly the records the phrase alone finds."""

    @settings(max_examples=60, deadline=None)
    @given(
        record=st.lists(st.sampled_from(_WORDS), min_size=1, max_size=12),
        phrase=st.lists(st.sampled_from(_WORDS), min_size=2, max_size=4),
        long_record=st.booleans(),
    )
    def test_pairs_narrow_without_losing_a_match(
        self, record: list[str], phrase: list[str], long_record: bool
    ) -> None:
        body = " ".join(record)
        if long_record:
            # Too long to be paired: found by its positions alone.
            body = "filler " * (PHRASE_PAIRS_MAX_CHARS // 7 + 1) + body
        row = SearchDocument.objects.create(
            kind=DocumentKind.CASE, object_id=1, title="", people="", body=body
        )
        terms = parse('"' + " ".join(phrase) + '"')
        found = SearchDocument.objects.filter(pk=row.pk)
        plain = found.filter(search_vector=tsquery(terms)).exists()
        assert found.filter(search_vector=match_query(terms)).exists() == plain
