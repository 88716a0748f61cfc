"""Full-text search over case records, events, charges, messages (held ones included) and
attachments, through `evenhand.search.selectors.search_records`: only what the caller may see,
sealed cases withheld (numbers only), every search audited."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from evenhand.search.selectors import HitKind, SearchFilters, search_records

from .auth import current_user
from .errors import READ_ERRORS
from .fields import DbId, RecordDate, Storable
from .schemas import PageQuery

router = Router(tags=["search"])


class SearchQueryIn(PageQuery):
    q: Annotated[str, Field(min_length=1, max_length=500), Storable] = Field(
        description='Plain words and "quoted phrases"; every term must match. No operators.'
    )
    people: list[Annotated[str, Field(min_length=1, max_length=200), Storable]] = Field(
        default_factory=list,
        max_length=20,
        description="Participants' names (nicknames match) or person ids: records of their cases.",
    )
    case_ids: list[DbId] = Field(default_factory=list, max_length=50)
    date_from: RecordDate | None = None
    date_to: RecordDate | None = None
    kinds: list[HitKind] = Field(default_factory=list, max_length=len(HitKind))


class SearchHitOut(Schema):
    kind: HitKind
    object_id: int
    case_id: int | None
    case_number: str
    message_id: int | None
    date: dt.date | None
    title: str
    snippet_html: str = Field(description="Escaped text; matched words wrapped in <mark>.")


class SearchResultsOut(Schema):
    total: int = Field(description="Hits you may see; a lower bound when total_is_lower_bound.")
    total_is_lower_bound: bool = Field(
        description="True when counting stopped at `total`: there are more hits than that."
    )
    newest_first: bool = Field(
        description=(
            "True when the words are in too many of the office's records to rank: the hits "
            "are listed newest first instead of by relevance."
        )
    )
    page: int
    page_size: int
    items: list[SearchHitOut]
    withheld_case_numbers: list[str] = Field(
        description="Sealed cases with matching records: their records are not shown."
    )
    withheld_citation: str


def _person(value: str) -> int | str:
    return int(value) if value.isdigit() and len(value) < 19 else value


@router.get("/search", response={200: SearchResultsOut, **READ_ERRORS})
def search(request: HttpRequest, filters: Query[SearchQueryIn]) -> SearchResultsOut:
    """Ranked hits you may see, with highlighted passages."""
    results = search_records(
        user=current_user(request),
        query=filters.q,
        filters=SearchFilters(
            people=tuple(_person(person.strip()) for person in filters.people),
            case_ids=tuple(filters.case_ids),
            date_from=filters.date_from,
            date_to=filters.date_to,
            kinds=tuple(filters.kinds),
            page=filters.page,
            page_size=filters.page_size,
        ),
    )
    return SearchResultsOut(
        total=results.total,
        total_is_lower_bound=results.total_is_lower_bound,
        newest_first=results.newest_first,
        page=results.page,
        page_size=results.page_size,
        items=[
            SearchHitOut(
                kind=hit.kind,
                object_id=hit.object_id,
                case_id=hit.case_id,
                case_number=hit.case_number,
                message_id=hit.message_id,
                date=hit.date,
                title=hit.title,
                snippet_html=str(hit.snippet),
            )
            for hit in results.hits
        ],
        withheld_case_numbers=list(results.withheld_case_numbers),
        withheld_citation=results.withheld_citation,
    )
