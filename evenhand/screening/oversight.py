"""Oversight pages for the inspector general, auditors and the ethics officer: read-only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from evenhand.accounts.models import User
from evenhand.audit.models import AuditAction
from evenhand.audit.services import audit_log_read_record
from evenhand.cases.selectors import case_ids_for_numbers
from evenhand.comms.selectors import held_messages

from .forms import AccessReportForm
from .policies import OVERSIGHT, CaseAction, access_case
from .reports import access_report, refusals_by, refused_attempts
from .selectors import audit_entries_readable, flag_list, screen_list

ENTRIES_PER_PAGE = 50


def oversight_only(
    view: Callable[[HttpRequest, User], HttpResponse],
) -> Callable[..., HttpResponse]:
    """Admit only the oversight roles, and hand the view the signed-in user."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not isinstance(user, User) or user.role not in OVERSIGHT:
            raise PermissionDenied(
                "Oversight pages are for the inspector general, auditors and ethics."
            )
        return view(request, user)

    return login_required(wrapped)


@oversight_only
def dashboard(request: HttpRequest, user: User) -> HttpResponse:
    return render(
        request,
        "screening/oversight.html",
        {
            "screens": screen_list(user=user)[:20],
            "flags": flag_list(user=user)[:20],
            "held": held_messages(user=user)[:20],
            "refusals_by_actor": refusals_by("actor")[:20],
            "refusals_by_case": refusals_by("case")[:20],
        },
    )


@oversight_only
def audit_log(request: HttpRequest, user: User) -> HttpResponse:
    case_id = request.GET.get("case_id", "")
    actor = request.GET.get("actor", "").strip()
    action = request.GET.get("action", "")
    if case_id.isdigit():
        # Opened like any read of the case: logged, and a 404 if a screen names the reader.
        case = access_case(user, case_id, CaseAction.VIEW)
        entries = audit_entries_readable(user=user).filter(case_id=case.pk)
    else:
        entries = audit_entries_readable(user=user)
    if actor:
        entries = entries.filter(actor_label=actor[:150])
    if action in AuditAction.values:
        entries = entries.filter(action=action)
    page = Paginator(entries.select_related("actor").order_by("-seq"), ENTRIES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    shown = list(page.object_list)  # read before the read itself is logged
    audit_log_read_record(
        actor=user,
        filters={"case_id": case_id, "actor": actor, "action": action, "page": page.number},
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "screening/audit_log.html",
        {
            "page": page,
            "entries": shown,
            "actions": AuditAction.choices,
            "filters": {"case_id": case_id, "actor": actor, "action": action},
            "querystring": query.urlencode(),
        },
    )


@oversight_only
def access_report_view(request: HttpRequest, user: User) -> HttpResponse:
    form = AccessReportForm(request.GET or None)
    rows = None
    case = None
    if form.is_valid():
        ids, unknown = case_ids_for_numbers(user=user, numbers=[form.cleaned_data["case_number"]])
        if unknown:
            form.add_error("case_number", "Unknown case number.")
        else:
            case = access_case(user, ids[0], CaseAction.VIEW)
            start: dt.datetime = form.cleaned_data["at"]
            rows = access_report(case=case, start=start, end=form.cleaned_data.get("until"))
    refusals = refused_attempts(case_id=case.pk)[:100] if case is not None else []
    return render(
        request,
        "screening/access_report.html",
        {"form": form, "rows": rows, "case": case, "refusals": refusals},
    )
