"""Views that exist only in benchmark runs.

`trivial` is the baseline: it goes through the whole middleware stack and the session and
user look-ups like every page, then returns a few bytes. The stand-ins are used only while the
real pages ("case-list", "case-detail") are not in the project's URLconf yet: they call the
same selectors a page would and return JSON instead of rendering a template.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse

from evenhand.accounts.models import User
from evenhand.cases.models import CaseStatus
from evenhand.cases.selectors import CaseFilters, case_detail, case_list

PAGE_SIZE = 25


@login_required
def trivial(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"ok {request.user.pk}", content_type="text/plain")


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
def standin_case_list(request: HttpRequest) -> JsonResponse:
    status = request.GET.get("status", "")
    filters = CaseFilters(
        query=request.GET.get("q", ""),
        status=CaseStatus(status) if status in CaseStatus.values else None,
        offense_class=request.GET.get("class", ""),
    )
    page = Paginator(case_list(user=_user(request), filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return JsonResponse(
        {
            "count": page.paginator.count,
            "page": page.number,
            "cases": [
                {
                    "id": case.pk,
                    "number": case.number,
                    "title": case.title,
                    "status": case.status,
                    "received_on": case.received_on.isoformat(),
                    "participants": getattr(case, "participant_count", None),
                }
                for case in page.object_list
            ],
        }
    )


@login_required
def standin_case_detail(request: HttpRequest, case_id: int) -> JsonResponse:
    detail = case_detail(user=_user(request), case_id=case_id)
    return JsonResponse(
        {
            "case": {
                "id": detail.case.pk,
                "number": detail.case.number,
                "title": detail.case.title,
            },
            "participants": [
                {
                    "name": p.person.full_name,
                    "role": p.role,
                    "aliases": [a.name for a in p.person.aliases.all()],
                    "history": [r.to_role for r in p.role_changes.all()],
                }
                for p in detail.participants
            ],
            "charges": [
                {
                    "defendant": c.participant.person.full_name,
                    "count": c.count_number,
                    "version": c.version,
                    "citation": c.citation,
                    "class": c.offense_class,
                }
                for c in detail.charges
            ],
            "events": [
                {"at": e.occurred_at.isoformat(), "kind": e.kind, "by": e.recorded_by.username}
                for e in detail.events
            ],
            "team": [{"user": a.user.username, "role": a.role} for a in detail.team],
        }
    )
