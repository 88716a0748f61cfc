"""A request's page: its deadlines and forms, and the search for responsive records (each run
is noted on the request, with the sealed cases it withheld).

Also `act_on_request`, the handling every form posted from this page shares: only the records
officer may act, and a refused or invalid form re-renders this page with its errors (422).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone

from evenhand.accounts.current import signed_in_user
from evenhand.accounts.models import User
from evenhand.screening.views import errors_into
from evenhand.search.selectors import SearchFilters, search_records

from .. import forms, services
from ..models import RecordsRequest
from ..policies import may_handle_requests
from ..rules import public_records_rules
from ..selectors import deadlines_of
from ..sources import RecordKind, RecordNotFoundError
from .common import reader, request_or_404


def _context(user: User, item: RecordsRequest, **extra: Any) -> dict[str, Any]:
    rules = public_records_rules()
    return {
        "item": item,
        "deadlines": deadlines_of(item),
        "today": timezone.localdate(),
        "rules": rules,
        "may_handle": may_handle_requests(user),
        "extension_reason": rules.extension_reasons.get(item.extension_reason),
        "class_form": forms.ClassifyForm(
            initial={"requester_class": item.requester_class, "basis": item.class_basis}
        ),
        "extend_form": forms.ExtendForm(initial={"notice_sent_on": timezone.localdate()}),
        "agree_form": forms.AgreeForm(),
        "status_form": forms.StatusForm(),
        "search_form": forms.SearchForm(initial={"query": item.search_query}),
        "sealed_form": forms.SealedCaseForm(),
        "response_form": forms.ResponseForm(initial={"issued_on": timezone.localdate()}),
        "appeal_form": forms.AppealForm(),
        "close_form": forms.AppealCloseForm(),
        "exemptions": forms.exemption_choices(),
        **extra,
    }


MESSAGE_KINDS = frozenset({RecordKind.MESSAGE, RecordKind.HELD_MESSAGE})
SEARCH_PAGE_SIZE = 50


def _in_review(item: RecordsRequest, kind: str, object_id: int) -> bool:
    """Whether a hit is already in the review (a message may since have been held or released)."""
    kinds = MESSAGE_KINDS if kind in MESSAGE_KINDS else frozenset({kind})
    return any(r.kind in kinds and r.object_id == str(object_id) for r in item.records.all())


@login_required
def request_view(request: HttpRequest, request_id: int) -> HttpResponse:
    user = reader(request)
    item = request_or_404(user, request_id)
    extra: dict[str, Any] = {}
    if "query" in request.GET and may_handle_requests(user):
        search_form = forms.SearchForm(request.GET)
        extra["search_form"] = search_form
        if search_form.is_valid():
            data = search_form.cleaned_data
            people = tuple(p.strip() for p in data["people"].split(",") if p.strip())
            results = search_records(
                user=user,
                query=data["query"],
                filters=SearchFilters(
                    people=people,
                    date_from=data["date_from"],
                    date_to=data["date_to"],
                    page=data["page"] or 1,
                    page_size=SEARCH_PAGE_SIZE,
                ),
            )
            try:
                services.request_search_record(
                    actor=user,
                    request_id=item.pk,
                    query=data["query"],
                    withheld_case_numbers=list(results.withheld_case_numbers),
                    hits=results.total,
                    hits_lower_bound=results.total_is_lower_bound,
                )
            except ValidationError as exc:
                errors_into(search_form, exc)
            item = request_or_404(user, request_id)
            extra["results"] = results
            query = request.GET.copy()
            query.pop("page", None)
            extra["querystring"] = query.urlencode()
            extra["rows"] = [
                (hit, _in_review(item, str(hit.kind), hit.object_id)) for hit in results.hits
            ]
    return render(request, "records_requests/request.html", _context(user, item, **extra))


Action = Callable[[User, RecordsRequest, dict[str, Any]], str]


def act_on_request(
    request: HttpRequest,
    request_id: int,
    form_class: type[Form],
    action: Action,
    form_name: str,
) -> HttpResponseBase:
    user = signed_in_user(request)
    if not may_handle_requests(user):
        raise PermissionDenied("Only the records officer may do this.")
    item = request_or_404(user, request_id)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            done = action(user, item, form.cleaned_data)
        except ValidationError as exc:
            errors_into(form, exc)
        except (RecordNotFoundError, services.RecordSealedError) as exc:
            form.add_error(None, str(exc))
        else:
            flash.success(request, done)
            return redirect("records-request", request_id=item.pk)
    item = request_or_404(user, request_id)
    return render(
        request,
        "records_requests/request.html",
        _context(user, item, **{form_name: form}),
        status=422,
    )
