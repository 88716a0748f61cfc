"""The staff search page: case records, events, charges, messages and attachments."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from evenhand.accounts.current import signed_in_user
from evenhand.cases.selectors import case_ids_for_numbers

from .forms import SearchForm
from .selectors import HitKind, SearchFilters, SearchResults, search_records

PER_PAGE = 20


@login_required
def search_view(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = SearchForm(request.GET or None)
    results: SearchResults | None = None
    unknown_cases: list[str] = []
    if form.is_valid():
        case_ids, unknown_cases = case_ids_for_numbers(
            user=user, numbers=form.names("case_numbers")
        )
        if unknown_cases and not case_ids:
            # Every case asked for is missing or hidden: searching would widen the search.
            form.add_error("case_numbers", "No case you may see has these numbers.")
        else:
            results = search_records(
                user=user,
                query=form.cleaned_data["q"],
                filters=SearchFilters(
                    people=tuple(form.names("people")),
                    case_ids=tuple(case_ids),
                    date_from=form.cleaned_data.get("date_from"),
                    date_to=form.cleaned_data.get("date_to"),
                    kinds=tuple(HitKind(kind) for kind in form.cleaned_data.get("kinds") or ()),
                    page=form.cleaned_data.get("page") or 1,
                    page_size=PER_PAGE,
                ),
            )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "search/search.html",
        {
            "form": form,
            "results": results,
            "unknown_cases": unknown_cases,
            "querystring": query.urlencode(),
        },
    )
