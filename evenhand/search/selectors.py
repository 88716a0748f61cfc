"""Full-text search over case records, events, charges, case messages (held ones included)
and their attachments, as the searcher's access allows.

Every hit passes the one access policy: case records through `visible_cases(user)`; messages
additionally through the message rules (a message tagged to or naming a case the user may not
see is never found; outside oversight and the records office, only messages the user sent or
received). Sealed cases are left out of the hits and reported as withheld, by case number only,
and only to someone who may see the case anyway. Every search is audited.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.search import SearchHeadline
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery, TextField, Value
from django.db.models.functions import Concat
from django.db.models.lookups import Exact
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from evenhand.accounts.models import Role, User
from evenhand.audit.models import AuditAction
from evenhand.audit.services import audit_record
from evenhand.cases.models import Case, Participant, Person, PersonAlias
from evenhand.comms.models import (
    BreachReport,
    Message,
    MessageCase,
    MessageRecipient,
    MessageStatus,
)
from evenhand.comms.selectors import messages_visible_to
from evenhand.jurisdictions.ruleset import active_ruleset
from evenhand.screening.names import given_name_variants, normalize
from evenhand.screening.policies import (
    OVERSIGHT,
    CaseAction,
    may_view_but_for_sealing,
    visible_cases,
)
from evenhand.sealing.selectors import sealed_case_ids, sealings_in_force

from . import ranking
from .markers import party_query
from .models import DocumentKind, SearchDocument
from .query import Term, fts5_match, parse

MAX_PAGE_SIZE = 100
# Hits are counted exactly through the page after the one asked for, and at least this far;
# beyond that horizon the total is reported as "more than" it.
COUNT_HORIZON = 25
# Roles that search the office's records as such: every message is theirs to find, within
# the case policy (the records office answers requests for communications it did not receive).
RECORDS_READERS = OVERSIGHT | {Role.RECORDS_OFFICER}
_MARK_START, _MARK_END = "\x02", "\x03"
_NAMED_CASES = BreachReport.named_cases.through
_SENDER_OF_DOCUMENT = Message.objects.filter(pk=OuterRef("message_id")).values("sender_id")[:1]
_ROW_FIELDS = ("id", "kind", "object_id", "case_id", "message_id", "occurred_on", "title", "status")


class HitKind(enum.StrEnum):
    CASE = "case"
    EVENT = "event"
    CHARGE = "charge"
    MESSAGE = "message"
    HELD_MESSAGE = "held_message"
    ATTACHMENT = "attachment"

    @property
    def label(self) -> str:
        return _HIT_LABELS[self]


_HIT_LABELS = {
    HitKind.CASE: "Case record",
    HitKind.EVENT: "Case event",
    HitKind.CHARGE: "Charge",
    HitKind.MESSAGE: "Message",
    HitKind.HELD_MESSAGE: "Held message",
    HitKind.ATTACHMENT: "Attachment",
}


@dataclass(frozen=True)
class SearchFilters:
    """Narrowing of a search. `people` are person ids or names (nicknames match)."""

    people: tuple[int | str, ...] = ()
    case_ids: tuple[int, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    kinds: tuple[HitKind, ...] = ()
    page: int = 1
    page_size: int = 20

    def as_json(self) -> dict[str, object]:
        return {
            "people": [str(person) for person in self.people],
            "case_ids": list(self.case_ids),
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "kinds": [str(kind) for kind in self.kinds],
            "page": self.page,
            "page_size": self.page_size,
        }


@dataclass(frozen=True)
class SearchHit:
    kind: HitKind
    object_id: int
    case_id: int | None
    case_number: str
    date: dt.date | None
    title: str
    # HTML: the matching passage, escaped, with the matched words in <mark>.
    snippet: SafeString
    message_id: int | None = None


@dataclass(frozen=True)
class SearchResults:
    query: str
    hits: list[SearchHit]
    total: int
    page: int
    page_size: int
    # Sealed cases with matching records: numbers only, never their content.
    withheld_case_numbers: tuple[str, ...] = ()
    withheld_citation: str = ""
    terms: tuple[str, ...] = field(default_factory=tuple)

    # True: there are more than `total` hits (the count stops at a horizon).
    total_is_lower_bound: bool = False
    # True: the words are too common in the office's records to rank; newest first.
    newest_first: bool = False

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.page_size))

    @property
    def has_next(self) -> bool:
        return self.total_is_lower_bound or self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def search_records(*, user: User, query: str, filters: SearchFilters) -> SearchResults:
    """The hits for `query` that `user` may see, ranked, one page of them; audited."""
    page_size = min(max(filters.page_size, 1), MAX_PAGE_SIZE)
    page = max(filters.page, 1)
    citation = _withheld_citation()
    terms = parse(query)
    if not terms or not user.is_authenticated or not user.is_active:
        return SearchResults(query, [], 0, page, page_size, (), citation)
    visible = visible_cases(user, CaseAction.VIEW)
    reader = None if user.role in RECORDS_READERS else _message_reader(user)
    sealed = list(sealed_case_ids())
    order = ranking.choose_order(terms, pre_filtered=reader is not None)
    # Order every match first (ranked, or newest first), then check access on the head of it
    # only. The count is exact up to a horizon and otherwise "more than" it: both depend on
    # the visible hits alone, never on how many hidden ones were passed over to find them.
    horizon = max((page + 1) * page_size, COUNT_HORIZON)
    unfiltered = filters == SearchFilters(page=filters.page, page_size=filters.page_size)
    narrow = None if unfiltered and reader is None else _narrowing(filters, user)
    party = _party_documents(user) if unfiltered and reader is not None else None
    found = ranking.walk(
        ranking.candidates(terms, order, narrow, party),
        order,
        _access_check(visible, reader, sealed),
        needed=horizon + 1,
    )
    total_is_lower_bound = len(found.visible_ids) > horizon
    total = horizon if total_is_lower_bound else len(found.visible_ids)
    page_ids = found.visible_ids[(page - 1) * page_size : page * page_size]
    rows = sorted(
        SearchDocument.objects.filter(pk__in=page_ids).values(*_ROW_FIELDS),
        key=lambda row: page_ids.index(int(str(row["id"]))),
    )
    withheld = _withheld_numbers(user, _withheld_candidates(reader, sealed, terms, filters))
    hits = _hits(visible, rows, terms)
    with transaction.atomic():
        audit_record(
            actor=user,
            action=AuditAction.SEARCH_PERFORMED,
            subject_type="search",
            after={
                "query": query[:500],
                "filters": filters.as_json(),
                "total": total,
                "total_is_lower_bound": total_is_lower_bound,
                "order": str(order),
                "withheld_cases": list(withheld),
            },
        )
    return SearchResults(
        query=query,
        hits=hits,
        total=total,
        page=page,
        page_size=page_size,
        withheld_case_numbers=withheld,
        withheld_citation=citation if withheld else "",
        terms=tuple(term.text for term in terms),
        total_is_lower_bound=total_is_lower_bound,
        newest_first=order is ranking.Order.NEWEST,
    )


def _access_check(
    visible: QuerySet[Case], reader: Q | None, sealed: list[int]
) -> Callable[[list[int]], set[int]]:
    """The documents of a batch that the searcher may see: the case policy, the message rules
    (`reader`: None for the records readers) and not in a sealed case (those are reported
    separately, as withheld)."""
    permitted = SearchDocument.objects.filter(_visible_to(visible, reader))
    if sealed:
        permitted = permitted.exclude(_in_sealed_case(sealed))
    # Compiled once per search, the batch of ids bound as one parameter: building the policy's
    # sub-queries cost more than running them, once per widening round.
    marker = object()
    if connection.vendor == "postgresql":
        batch = permitted.extra(
            where=["search_searchdocument.id = ANY(%s::bigint[])"], params=[marker]
        )
    else:
        batch = permitted.extra(
            where=["search_searchdocument.id IN (SELECT value FROM json_each(%s))"],
            params=[marker],
        )
    sql, compiled = batch.values_list("id").query.sql_with_params()
    slot = next(index for index, value in enumerate(compiled) if value is marker)

    def allowed(document_ids: list[int]) -> set[int]:
        params = list(compiled)
        params[slot] = (
            document_ids if connection.vendor == "postgresql" else json.dumps(document_ids)
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return {int(row[0]) for row in cursor.fetchall()}

    return allowed


def _in_sealed_case(sealed: list[int]) -> Q:
    return (
        Q(case_id__in=sealed)
        | Q(Exists(MessageCase.objects.filter(message_id=OuterRef("message_id"), case__in=sealed)))
        | Q(
            Exists(
                _NAMED_CASES.objects.filter(
                    breachreport__message_id=OuterRef("message_id"), case__in=sealed
                )
            )
        )
    )


def _withheld_candidates(
    reader: Q | None, sealed: list[int], terms: Sequence[Term], filters: SearchFilters
) -> list[tuple[int | None, int | None]]:
    """(case id, message id) of the matching documents in sealed cases, found from the sealed
    side (few documents, each tested against the query) rather than by filtering every match:
    the records of a case, and the messages tagged to or naming one."""
    if not sealed:
        return []
    in_sealed = [
        Q(case_id__in=sealed),
        Q(message_id__in=MessageCase.objects.filter(case__in=sealed).values("message_id")),
        Q(
            message_id__in=_NAMED_CASES.objects.filter(case__in=sealed).values(
                "breachreport__message_id"
            )
        ),
    ]
    rows: set[tuple[int | None, int | None]] = set()
    for condition in in_sealed:
        documents = _narrowed(ranking.matching(terms).filter(condition), filters)
        if reader is not None:
            documents = documents.filter(Q(message_id__isnull=True) | reader)
        rows.update(documents.values_list("case_id", "message_id").distinct()[:10_000])
    return sorted(rows, key=str)


def _withheld_citation() -> str:
    rules = active_ruleset().redaction
    return rules.sealed_withheld_citation if rules else ""


# --- Matching -----------------------------------------------------------------------------


def _visible_to(visible: QuerySet[Case], reader: Q | None) -> Q:
    """Correlated checks, evaluated per matching document: their cost follows the number of
    hits, not the number of cases or messages the user may see (the policy's own exclusion
    sets are uncorrelated sub-queries, computed once per search)."""

    def seen(reference: str) -> Exists:
        return Exists(visible.filter(pk=OuterRef(reference)))

    case_records = Q(kind__in=[DocumentKind.CASE, DocumentKind.EVENT, DocumentKind.CHARGE]) & Q(
        seen("case_id")
    )
    hidden_tag = MessageCase.objects.filter(message_id=OuterRef("message_id")).exclude(
        seen("case_id")
    )
    hidden_named = _NAMED_CASES.objects.filter(
        breachreport__message_id=OuterRef("message_id")
    ).exclude(seen("case_id"))
    messages = (
        Q(kind__in=[DocumentKind.MESSAGE, DocumentKind.ATTACHMENT])
        & ~Q(Exists(hidden_tag))
        & ~Q(Exists(hidden_named))
    )
    if reader is not None:
        messages &= reader
    return case_records | messages


def _message_reader(user: User) -> Q:
    return Q(Exists(messages_visible_to(user).filter(pk=OuterRef("message_id"))))


def _in_cases(case_ids: QuerySet[Any, Any] | list[int]) -> Q:
    return Q(case_id__in=case_ids) | Q(
        Exists(MessageCase.objects.filter(message_id=OuterRef("message_id"), case_id__in=case_ids))
    )


def _kind_condition(kind: HitKind) -> Q:
    if kind == HitKind.MESSAGE:
        return Q(kind=DocumentKind.MESSAGE) & ~Q(status=MessageStatus.HELD)
    if kind == HitKind.HELD_MESSAGE:
        return Q(kind=DocumentKind.MESSAGE, status=MessageStatus.HELD)
    return Q(kind=kind.value)


def _narrowing(filters: SearchFilters, searcher: User) -> ranking.Narrowing:
    return lambda documents: _narrowed(documents, filters, searcher)


def _narrowed(
    documents: QuerySet[SearchDocument], filters: SearchFilters, searcher: User | None = None
) -> QuerySet[SearchDocument]:
    """The documents within the filters; with a `searcher` outside the records readers, also
    only records that are not messages or messages they sent or received: a cheap superset of
    what the message rules let them read, so that the access checks see few candidates they
    must refuse (it decides nothing; the checks do)."""
    if (
        searcher is not None
        and searcher.role not in RECORDS_READERS
        and connection.vendor == "postgresql"
    ):
        # The same superset from the index's party markers, answered with the words.
        documents = documents.filter(search_vector=party_query(searcher.pk))
    elif searcher is not None and searcher.role not in RECORDS_READERS:
        documents = documents.filter(
            Q(message_id__isnull=True)
            # A scalar sub-query, looked up per candidate by primary key: PostgreSQL would
            # turn an EXISTS into a hash of every message the searcher ever sent.
            | Q(Exact(Subquery(_SENDER_OF_DOCUMENT), searcher.pk))
            | Q(
                Exists(
                    MessageRecipient.objects.filter(
                        message_id=OuterRef("message_id"), user=searcher
                    )
                )
            )
        )
    if filters.case_ids:
        documents = documents.filter(_in_cases(list(filters.case_ids)))
    if filters.people:
        cases = Participant.objects.filter(person_id__in=person_ids(filters.people)).values(
            "case_id"
        )
        documents = documents.filter(_in_cases(cases))
    if filters.date_from is not None:
        documents = documents.filter(occurred_on__gte=filters.date_from)
    if filters.date_to is not None:
        documents = documents.filter(occurred_on__lte=filters.date_to)
    if filters.kinds:
        wanted = Q(pk__in=[])
        for kind in filters.kinds:
            wanted |= _kind_condition(kind)
        documents = documents.filter(wanted)
    return documents


def _party_documents(searcher: User) -> QuerySet[Any, Any]:
    """Ids of the records that are not messages and of the messages the searcher sent or
    received: the same superset as `_narrowed`'s pre-filter, as one set of ids read from
    indexes alone (the searcher's messages, then their index rows by message)."""
    documents = SearchDocument.objects.values("id")
    return documents.filter(message_id__isnull=True).union(
        documents.filter(message_id__in=Message.objects.filter(sender=searcher).values("id")),
        documents.filter(
            message_id__in=MessageRecipient.objects.filter(user=searcher).values("message_id")
        ),
        all=True,
    )


def person_ids(people: Sequence[int | str]) -> list[int]:
    """Ids of the people named: ids as given, names matched on surname and given name or any
    of its nickname variants, or exactly on an alias (case-insensitive)."""
    ids = [person for person in people if isinstance(person, int)]
    for name in (person for person in people if isinstance(person, str)):
        words = normalize(name).split()
        if not words:
            continue
        by_alias = PersonAlias.objects.filter(name__iexact=name.strip()).values_list(
            "person_id", flat=True
        )
        ids.extend(by_alias)
        if len(words) == 1:
            matches = Person.objects.filter(last_name__iexact=words[0])
        else:
            given = Q(pk__in=[])
            for variant in given_name_variants(words[0]):
                given |= Q(first_name__iexact=variant)
            matches = Person.objects.filter(given, last_name__iexact=words[-1])
        ids.extend(matches.values_list("pk", flat=True)[:200])
    return sorted(set(ids))


# --- Results ------------------------------------------------------------------------------


def _withheld_numbers(user: User, rows: list[tuple[int | None, int | None]]) -> tuple[str, ...]:
    """Numbers of the sealed cases with matching records that the user could read but for the
    sealing (the policy, asked with the sealing set aside); nothing about any other case."""
    case_ids = {case_id for case_id, _ in rows if case_id is not None}
    message_ids = {message_id for _, message_id in rows if message_id is not None}
    if message_ids:
        case_ids.update(
            MessageCase.objects.filter(message_id__in=message_ids).values_list("case_id", flat=True)
        )
        case_ids.update(
            _NAMED_CASES.objects.filter(breachreport__message_id__in=message_ids).values_list(
                "case_id", flat=True
            )
        )
    if not case_ids:
        return ()
    orders = sealings_in_force().filter(case_id__in=case_ids).select_related("case")
    cases = {order.case_id: order.case for order in orders}
    return tuple(
        sorted(case.number for case in cases.values() if may_view_but_for_sealing(user, case))
    )


def _hits(
    visible: QuerySet[Case], rows: list[dict[str, Any]], terms: Sequence[Term]
) -> list[SearchHit]:
    if not rows:
        return []
    snippets = _snippets([int(str(row["id"])) for row in rows], terms)
    case_ids = {int(row["case_id"]) for row in rows if row["case_id"] is not None}
    numbers = dict(visible.filter(pk__in=case_ids).values_list("pk", "number"))
    hits = []
    for row in rows:
        kind = HitKind(str(row["kind"]))
        if kind == HitKind.MESSAGE and row["status"] == MessageStatus.HELD:
            kind = HitKind.HELD_MESSAGE
        case_id = row["case_id"] if isinstance(row["case_id"], int) else None
        occurred = row["occurred_on"]
        hits.append(
            SearchHit(
                kind=kind,
                object_id=int(str(row["object_id"])),
                case_id=case_id,
                case_number=numbers.get(case_id, "") if case_id is not None else "",
                date=occurred if isinstance(occurred, dt.date) else None,
                title=str(row["title"]),
                snippet=snippets.get(int(str(row["id"])), mark_safe("")),
                message_id=row["message_id"] if isinstance(row["message_id"], int) else None,
            )
        )
    return hits


def highlighted(raw: str) -> SafeString:
    """Escape a snippet, then turn the database's match markers into <mark> elements."""
    text = str(escape(raw))
    return mark_safe(  # noqa: S308  (escaped above; only our own <mark> tags are added)
        text.replace(_MARK_START, "<mark>").replace(_MARK_END, "</mark>")
    )


def _snippets(document_ids: list[int], terms: Sequence[Term]) -> dict[int, SafeString]:
    if connection.vendor == "postgresql":
        query = ranking.tsquery(terms)
        rows = SearchDocument.objects.filter(pk__in=document_ids).annotate(
            passage=SearchHeadline(
                Concat("body", Value(" "), "people", output_field=TextField()),
                query,
                config="english",
                start_sel=_MARK_START,
                stop_sel=_MARK_END,
                max_words=30,
                min_words=12,
                max_fragments=2,
                fragment_delimiter=" … ",
            )
        )
        return {row.pk: highlighted(str(row.passage)) for row in rows}
    placeholders = ", ".join(["%s"] * len(document_ids))
    # Only "%s" placeholders are interpolated; the values are bound.
    snippet = "snippet(search_fts, -1, char(2), char(3), ' … ', 24)"
    sql = f"SELECT rowid, {snippet} FROM search_fts WHERE search_fts MATCH %s AND rowid IN ({placeholders})"  # noqa: S608, E501
    with connection.cursor() as cursor:
        cursor.execute(sql, [fts5_match(list(terms)), *document_ids])
        return {int(rowid): highlighted(str(passage or "")) for rowid, passage in cursor.fetchall()}
