"""Server-rendered pages. Views only parse input and call selectors; they never query models."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from evenhand.accounts.current import signed_in_user
from evenhand.appointments.selectors import petitions_on_case
from evenhand.cases.models import Case
from evenhand.cases.selectors import (
    CaseFilters,
    case_audit_trail,
    case_detail,
    case_list,
)
from evenhand.jurisdictions.ruleset import active_ruleset
from evenhand.screening.policies import CaseAction, allowed_actions
from evenhand.screening.selectors import flags_on_case, screens_on_case

from .forms import CaseSearchForm

CASES_PER_PAGE = 25
AUDIT_ENTRIES_PER_PAGE = 50


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
    paginator = Paginator(case_list(user=user, filters=filters), CASES_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "querystring": query.urlencode(),
        "classes": active_ruleset().classes,
    }
    template = "cases/_results.html" if getattr(request, "htmx", False) else "cases/list.html"
    return render(request, template, context)


@login_required
@require_GET
def case_detail_view(request: HttpRequest, case_id: int) -> HttpResponse:
    user = signed_in_user(request)
    detail = case_detail(user=user, case_id=case_id)
    case = detail.case
    current = [charge for charge in detail.charges if charge.is_current]
    allowed = allowed_actions(user, case)
    can_edit = CaseAction.EDIT in allowed
    context = {
        "detail": detail,
        "case": case,
        "current_charges": current,
        "superseded_charges": [charge for charge in detail.charges if not charge.is_current],
        "can_edit": can_edit,
        "can_charge": CaseAction.CHARGE in allowed,
        "flags": flags_on_case(user=user, case=case),
        "screens": screens_on_case(user=user, case=case),
        "petitions": petitions_on_case(case=case),
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
