"""Server-rendered pages. Views only parse input and call selectors; they never query models."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.functional import cached_property
from django.views.decorators.http import require_GET

from evenhand.accounts.current import signed_in_user
from evenhand.appointments.selectors import petitions_on_case
from evenhand.cases.models import Case, SpecialProsecution
from evenhand.cases.selectors import (
    CaseFilters,
    PageOf,
    case_audit_trail,
    case_list,
    case_page,
)
from evenhand.jurisdictions.ruleset import active_ruleset
from evenhand.screening.policies import CaseAction, allowed_actions
from evenhand.screening.selectors import flag_lines_on_case, screens_on_case, sees_all_screens

from .case_links import case_links
from .case_rows import charge_rows, event_items, participant_rows
from .forms import CaseSearchForm

CASES_PER_PAGE = 25
AUDIT_ENTRIES_PER_PAGE = 50
PAGE_DIGITS = 6  # a page number longer than this is nonsense: show the first page
COUNT_LIMIT = 1000  # the case list counts this far, then says "1,000+"


if TYPE_CHECKING:
    _CasePaginator = Paginator[Case]
else:  # Django's Paginator is generic only in its type stubs
    _CasePaginator = Paginator


class BoundedPaginator(_CasePaginator):
    """Counts no further than COUNT_LIMIT: a list or search that matches more shows "1,000+"
    and its first COUNT_LIMIT cases, in pages. Counting every match of a broad search costs a
    pass over every case the user may see; counting to the limit stops there."""

    def __init__(self, cases: QuerySet[Case], per_page: int) -> None:
        super().__init__(cases, per_page)
        self.cases = cases

    @cached_property
    def capped(self) -> bool:
        return self._counted > COUNT_LIMIT

    @cached_property
    def _counted(self) -> int:
        return self.cases.order_by()[: COUNT_LIMIT + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._counted, COUNT_LIMIT)

    @property
    def count_label(self) -> str:
        """The count as the page shows it: "1,000+" past the limit."""
        return f"{self.count:,}+" if self.capped else f"{self.count:,}"


@require_GET
def home(request: HttpRequest) -> HttpResponseRedirect:
    return redirect("case-list")


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness and database reachability for the load balancer."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


@login_required
@require_GET
def case_list_view(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = CaseSearchForm(request.GET or None)
    filters = form.filters() if form.is_valid() else CaseFilters()
    paginator = BoundedPaginator(case_list(user=user, filters=filters), CASES_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "selects": [form["status"], form["offense_class"], form["statute"]],
        "page": page,
        "querystring": query.urlencode(),
        "classes": active_ruleset().classes,
    }
    template = "cases/_results.html" if getattr(request, "htmx", False) else "cases/list.html"
    return render(request, template, context)


def _page_number(value: str | None) -> int:
    """A page number from the query string; anything else means the first page."""
    if value is None or not (value.isascii() and value.isdigit()) or len(value) > PAGE_DIGITS:
        return 1
    return int(value)


@dataclass(frozen=True)
class PageLinks:
    """Links to the neighbouring pages of one list on a page that shows several: the other
    lists stay on the pages they were on."""

    page: PageOf[Any]
    previous_url: str
    next_url: str


def _page_links(request: HttpRequest, page: PageOf[Any], param: str, anchor: str) -> PageLinks:
    def url(number: int) -> str:
        query = request.GET.copy()
        query[param] = str(number)
        return f"?{query.urlencode()}#{anchor}"

    return PageLinks(
        page=page,
        previous_url=url(page.number - 1) if page.has_previous else "",
        next_url=url(page.number + 1) if page.has_next else "",
    )


@login_required
@require_GET
def case_detail_view(request: HttpRequest, case_id: int) -> HttpResponse:
    user = signed_in_user(request)
    page = case_page(
        user=user,
        case_id=case_id,
        charges_page=_page_number(request.GET.get("charges")),
        amended_page=_page_number(request.GET.get("amended")),
        events_page=_page_number(request.GET.get("events")),
    )
    case = page.case
    allowed = allowed_actions(user, case)
    context = {
        "detail": page,
        "case": case,
        "current_charges": page.current_charges,
        "superseded_charges": page.superseded_charges,
        "events": page.events,
        "participant_rows": participant_rows(page.participants),
        "charge_rows": charge_rows(page.current_charges.items),
        "event_items": event_items(page.events.items),
        "charges_links": _page_links(request, page.current_charges, "charges", "charges-h"),
        "amended_links": _page_links(request, page.superseded_charges, "amended", "amended"),
        "events_links": _page_links(request, page.events, "events", "timeline-h"),
        "can_edit": CaseAction.EDIT in allowed,
        "can_charge": CaseAction.CHARGE in allowed,
        "links": case_links(case.pk),
        "flags": flag_lines_on_case(user=user, case=case),
        # Only those who oversee screens see them; for anyone else the template would still
        # build and run the empty query.
        "screens": list(screens_on_case(user=user, case=case)) if sees_all_screens(user) else [],
        # Shown only on a case awaiting or under a special prosecutor.
        "petitions": (
            petitions_on_case(case=case)
            if case.special_prosecution != SpecialProsecution.NONE
            else []
        ),
    }
    return render(request, "cases/detail.html", context)


@login_required
@require_GET
def case_audit_view(request: HttpRequest, case_id: int) -> HttpResponse:
    user = signed_in_user(request)
    case, entries = case_audit_trail(user=user, case_id=case_id)
    page = Paginator(entries, AUDIT_ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    context: dict[str, Case | object] = {"case": case, "page": page}
    return render(request, "cases/audit.html", context)
