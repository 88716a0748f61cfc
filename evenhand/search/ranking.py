"""Rank first, then check access on the top of the ranking.

The matching documents are put in order by the database's own full-text machinery (bm25 on
FTS5, ts_rank over the GIN-matched rows on PostgreSQL) without looking at who is searching;
then only the head of that order is passed through the access checks, in batches that double
until the page (and the exact-count horizon) is filled or the matches run out. A query whose
every word is in a large part of the office's records is not ranked at all (bm25 and ts_rank
would have to score every one of them, and say little when they have): its hits are listed
newest index row first (the records most recently written or changed), which both engines
can walk without sorting: FTS5 hands out matches in rowid order, PostgreSQL walks the
primary key backwards.

What the walk leaves unchecked never reaches the searcher: counts are counted over checked,
visible hits only (see `selectors.search_records`).
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchQueryCombinable, SearchRank
from django.db import connection
from django.db.models import BooleanField, F, FloatField, Func, QuerySet, Value

from .markers import phrase_pairs_query
from .models import SearchDocument
from .query import Term, fts5_match

# More (estimated) matches than this and a query is listed newest first instead of ranked:
# scoring every match is what made broad searches take seconds (bench/RESULTS.md §8).
RANK_LIMIT = 5_000
PHRASE_ESTIMATE_FACTOR = 10
# Candidates checked in the first round; each further round checks twice as many, up to
# MAX_BATCH (an SQL parameter list stays far below SQLite's limit of 32,766).
FIRST_BATCH = 64
MAX_BATCH = 8_192
# Ranked ids fetched at once: ranking costs the same for 64 ids or 2,048 (every match is
# scored either way), so the widening rounds reuse one ranked list.
RANKED_PREFETCH = 2_048
# bm25 weighing title, people and body 10:4:1, as FTS5's rank column. Relevance ties (equal
# scores) fall back to the newest record, then the newest index row (on SQLite to the newest
# index row only, which FTS5 knows without reading the content table).
_FTS_RANK = "bm25(10.0, 4.0, 1.0)"


class Order(enum.StrEnum):
    RELEVANCE = "relevance"
    # Latest index rows first: the records most recently written or changed.
    NEWEST = "newest"


def tsquery(terms: Sequence[Term]) -> SearchQuery:
    combined: SearchQuery | None = None
    for term in terms:
        part = SearchQuery(
            term.text, search_type="phrase" if term.is_phrase else "plain", config="english"
        )
        combined = part if combined is None else combined & part
    assert combined is not None  # noqa: S101  (parse() gave at least one term)
    return combined


def match_query(terms: Sequence[Term]) -> SearchQueryCombinable:
    """What the GIN index is asked for: every term, and for phrases the records holding
    their adjacent word pairs (the positions are then checked only in those)."""
    query = tsquery(terms)
    pairs = phrase_pairs_query(terms)
    return query if pairs is None else query & pairs


def _phrase_unpaired(terms: Sequence[Term]) -> bool:
    """A phrase the index cannot narrow by its pairs: its every candidate is re-checked."""
    return any(term.is_phrase for term in terms) and phrase_pairs_query(terms) is None


def ranked(terms: Sequence[Term]) -> QuerySet[SearchDocument]:
    """Documents matching every term, with a `rank` where lower is better."""
    documents = SearchDocument.objects.all()
    if connection.vendor == "postgresql":
        query = tsquery(terms)
        return documents.filter(search_vector=match_query(terms)).annotate(
            rank=SearchRank(F("search_vector"), query) * Value(-1.0, output_field=FloatField())
        )
    # FTS5: the MATCH drives the join; its rank column is bm25 weighing title, people and
    # body 10:4:1 (cheaper than calling bm25() as a function on every match).
    return documents.extra(
        tables=["search_fts"],
        where=[
            "search_fts.rowid = search_searchdocument.id",
            "search_fts MATCH %s",
            "search_fts.rank MATCH %s",
        ],
        params=[fts5_match(list(terms)), _FTS_RANK],
        select={"rank": "search_fts.rank"},
    )


def matching(terms: Sequence[Term]) -> QuerySet[SearchDocument]:
    """Documents matching every term, unranked: a per-row membership test, so that the
    database can drive the query from another index (e.g. the sealed cases' records)."""
    documents = SearchDocument.objects.all()
    if connection.vendor == "postgresql":
        return documents.filter(search_vector=match_query(terms))
    return documents.extra(
        where=[
            (
                "EXISTS (SELECT 1 FROM search_fts WHERE search_fts MATCH %s "
                "AND search_fts.rowid = search_searchdocument.id)"
            )
        ],
        params=[fts5_match(list(terms))],
    )


def choose_order(terms: Sequence[Term], *, pre_filtered: bool = False) -> Order:
    """Newest first when the query would match more than RANK_LIMIT documents of the whole
    index. The decision rests on vocabulary statistics of every record (PostgreSQL's planner
    estimate from the column's most-common-lexeme statistics, confirmed by a count that stops
    at the limit; on SQLite that count alone), so it tells the searcher only that the words
    are common in the office's records, never anything about a particular hidden record.
    `pre_filtered`: the candidates are narrowed to the searcher's own records, which are
    sparse among the matches; on PostgreSQL the estimate alone then decides, because ranking
    scores only those candidates while a newest-first walk could read the whole table to
    find them."""
    limit = RANK_LIMIT
    if connection.vendor == "postgresql" and _phrase_unpaired(terms):
        # The planner estimates a phrase without pairs as its words anywhere in the record,
        # often far more than the phrase matches; walking the index rows in order for a rare
        # phrase would read the whole table, while ranking costs what the phrase matches.
        limit *= PHRASE_ESTIMATE_FACTOR
    if estimated_matches(terms, counted=not pre_filtered) > limit:
        return Order.NEWEST
    return Order.RELEVANCE


def estimated_matches(terms: Sequence[Term], *, counted: bool = True) -> int:
    if connection.vendor == "postgresql":
        matches = SearchDocument.objects.filter(search_vector=match_query(terms))
        plan = json.loads(matches.explain(format="json"))
        estimate = int(plan[0]["Plan"]["Plan Rows"])
        if not counted or estimate > RANK_LIMIT or _phrase_unpaired(terms):
            return estimate
        # The planner multiplies the words' frequencies as if they were independent: a full
        # name said in thousands of records is estimated at a few hundred, and ranking them
        # all cost hundreds of ms. Counting to the limit costs at most what ranking that many
        # would (a phrase without pairs is left to the estimate: counting it re-checks every
        # record holding its words, which the ranking then does again).
        sql, params = matches.values("id").query.sql_with_params()
        bounded = f"SELECT count(*) FROM ({sql} LIMIT %s) AS bounded"  # noqa: S608
        return _count(bounded, [*params, RANK_LIMIT + 1])
    return _count(
        "SELECT count(*) FROM (SELECT 1 FROM search_fts WHERE search_fts MATCH %s LIMIT %s)",
        [fts5_match(list(terms)), RANK_LIMIT + 1],
    )


def _count(sql: str, params: Sequence[Any]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return int(row[0]) if row else 0


Narrowing = Callable[[QuerySet[SearchDocument]], QuerySet[SearchDocument]]
Candidates = Callable[[int, int], list[int]]


def candidates(
    terms: Sequence[Term],
    order: Order,
    narrow: Narrowing | None,
    party: QuerySet[Any, Any] | None = None,
) -> Candidates:
    """A slice (start, stop) of the ids of the matching documents, narrowed by `narrow` (the
    search's filters; None: nothing to narrow), in the order the searcher will see them: a
    total order, so every page is cut from the same sequence. `party`, when `narrow` only
    pre-filters to the searcher's own records: the ids of those records, which SQLite reads
    from covering indexes instead of looking up every match's row."""
    if connection.vendor == "sqlite" and (narrow is None or party is not None):
        return _fts5_only(terms, order, party)
    narrowing = narrow or (lambda documents: documents)
    if order is Order.RELEVANCE:
        relevance: tuple[str, ...] = ("rank", "-occurred_on", "-id")
        if connection.vendor == "sqlite":
            relevance = ("rank", "-id")  # the same order as _fts5_only's
        ordered = narrowing(ranked(terms)).order_by(*relevance).values_list("id", flat=True)
    elif connection.vendor == "postgresql":
        # The primary key's index, walked backwards, each row tested against the query. With
        # nothing to narrow, by the function behind `@@`, which the GIN index does not serve:
        # the planner, estimating the words independently (a full name at a few hundred
        # matches), would fetch and sort all of its tens of thousands of matches, where a
        # short walk finds the page. Narrowed (e.g. to a searcher's own messages), the hits
        # are sparse and the planner's choice stands: a walk could read the whole table.
        if narrow is None:
            documents = SearchDocument.objects.filter(
                Func(
                    F("search_vector"),
                    match_query(terms),
                    function="ts_match_vq",
                    output_field=BooleanField(),
                )
            )
        else:
            documents = matching(terms)
        ordered = narrowing(documents).order_by("-id").values_list("id", flat=True)
    else:
        # FTS5 hands out its matches in rowid order for free (rowid = the index row's id);
        # ordering by the content table's id instead would sort every match.
        ordered = narrowing(
            SearchDocument.objects.extra(
                tables=["search_fts"],
                where=["search_fts.rowid = search_searchdocument.id", "search_fts MATCH %s"],
                params=[fts5_match(list(terms))],
                order_by=["-search_fts.rowid"],
            )
        ).values_list("id", flat=True)

    # Compiled once; each widening round only binds its own LIMIT and OFFSET.
    sql, params = ordered.query.sql_with_params()
    sliced = f"{sql} LIMIT %s OFFSET %s"

    def ordered_slice(start: int, stop: int) -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute(sliced, [*params, stop - start, start])
            return [int(row[0]) for row in cursor.fetchall()]

    return ordered_slice


def _fts5_only(terms: Sequence[Term], order: Order, party: QuerySet[Any, Any] | None) -> Candidates:
    """Candidates on SQLite from the FTS5 table alone: `ORDER BY rank` is scored inside FTS5
    and `ORDER BY rowid DESC` is its natural order, neither touching the content table. A
    party's ids are a set built once per statement; the unary plus keeps FTS5 from being
    asked for each of them in turn (its rowid lookups), so the set is probed per match."""
    params: list[Any] = [fts5_match(list(terms))]
    restriction = ""
    if party is not None:
        party_sql, party_params = party.query.sql_with_params()
        restriction = f" AND +rowid IN ({party_sql})"
        params.extend(party_params)
    if order is Order.RELEVANCE:
        sql = (
            f"SELECT rowid FROM search_fts WHERE search_fts MATCH %s{restriction} "  # noqa: S608
            "AND rank MATCH %s ORDER BY rank, rowid DESC LIMIT %s OFFSET %s"
        )
        params.append(_FTS_RANK)
    else:
        sql = (
            f"SELECT rowid FROM search_fts WHERE search_fts MATCH %s{restriction} "  # noqa: S608
            "ORDER BY rowid DESC LIMIT %s OFFSET %s"
        )

    def ordered_slice(start: int, stop: int) -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, stop - start, start])
            return [int(row[0]) for row in cursor.fetchall()]

    return ordered_slice


@dataclass(frozen=True)
class Walk:
    """The visible candidates found, in order, and whether every candidate was checked."""

    visible_ids: list[int]
    exhausted: bool
    checked: int


def walk(
    ordered: Candidates,
    order: Order,
    allowed: Callable[[list[int]], set[int]],
    needed: int,
) -> Walk:
    """Check candidates in order, in doubling batches, until `needed` of them are allowed or
    none are left. `allowed` takes a batch of ids and returns those the searcher may see."""
    found: list[int] = []
    checked = 0
    batch = FIRST_BATCH
    prefetched: list[int] = []
    prefetched_all = False

    def fetch(start: int, stop: int) -> list[int]:
        nonlocal prefetched, prefetched_all
        if order is Order.NEWEST:
            # The database walks its index in order and stops; re-walking the skipped head
            # costs at most as much again as the last round (the batches double).
            return ordered(start, stop)
        if stop > len(prefetched) and not prefetched_all:
            limit = max(RANKED_PREFETCH, 4 * stop)
            prefetched = ordered(0, limit)
            prefetched_all = len(prefetched) < limit
        return prefetched[start:stop]

    while True:
        ids = fetch(checked, checked + batch)
        if ids:
            permitted = allowed(ids)
            found.extend(document_id for document_id in ids if document_id in permitted)
        checked += len(ids)
        if len(ids) < batch:
            return Walk(found, exhausted=True, checked=checked)
        if len(found) >= needed:
            return Walk(found, exhausted=False, checked=checked)
        batch = min(batch * 2, MAX_BATCH)
