"""Work lists across the cases the caller may see: open terms overdue, and terms due soon."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query

from evenhand.dispositions import selectors
from evenhand.dispositions.models import Term

from ..auth import current_user
from ..errors import READ_ERRORS
from ..schemas import PageQuery
from .routing import operation_id, router
from .schemas import DueSoonQuery, TermListItemOut, TermListOut, term_out


def _term_page(terms: QuerySet[Term], page: PageQuery) -> TermListOut:
    rows = terms[page.offset : page.offset + page.page_size]
    return TermListOut(
        items=[
            TermListItemOut(
                term=term_out(term),
                case_id=term.enrolment.case_id,
                case_number=term.enrolment.case.number,
                participant=str(term.enrolment.participant.person),
                programme=term.enrolment.programme,
            )
            for term in rows
        ],
        total=terms.count(),
        page=page.page,
        page_size=page.page_size,
    )


@router.get(
    "dispositions/overdue-terms",
    response={200: TermListOut, **READ_ERRORS},
    operation_id=operation_id("list_overdue_terms"),
)
def list_overdue_terms(request: HttpRequest, page: Query[PageQuery]) -> TermListOut:
    """Open terms past their due date on cases you may see, oldest first."""
    user = current_user(request)
    return _term_page(selectors.overdue_terms(user=user, today=timezone.localdate()), page)


@router.get(
    "dispositions/due-soon-terms",
    response={200: TermListOut, **READ_ERRORS},
    operation_id=operation_id("list_due_soon_terms"),
)
def list_due_soon_terms(request: HttpRequest, query: Query[DueSoonQuery]) -> TermListOut:
    """Open terms due from today up to `days` ahead on cases you may see, soonest first."""
    user = current_user(request)
    terms = selectors.due_soon_terms(user=user, today=timezone.localdate(), days=query.days)
    return _term_page(terms, query)
