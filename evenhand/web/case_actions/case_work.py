"""Contacts, role changes, the team and the conflict check: each form on its own page (the case
page stays light), each calling one service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods, require_POST

from evenhand.accounts.current import signed_in_user
from evenhand.cases import services
from evenhand.cases.forms import ContactForm, TeamAddForm
from evenhand.cases.models import AssignmentRole, ContactChannel, ParticipantRole
from evenhand.cases.selectors import case_people
from evenhand.screening.policies import CaseAction, access_case
from evenhand.screening.services import conflict_check_run

from ..forms import CaseDetailsForm, DatedRoleChangeForm
from .common import form_page


@login_required
@require_http_methods(["GET", "POST"])
def contact_log_view(request: HttpRequest, case_id: int) -> HttpResponseBase:
    user = signed_in_user(request)
    case = access_case(user, case_id, CaseAction.EDIT, log_read=False)
    form = ContactForm(request.POST or None, people=case_people(case=case))

    def log() -> object:
        data = form.cleaned_data
        return services.contact_log(
            actor=user,
            staff=data["staff"],
            person=data["person"],
            case_id=case.pk,
            channel=ContactChannel(data["channel"]),
            occurred_at=data["occurred_at"],
            summary=data["summary"],
        )

    return form_page(
        request,
        case=case,
        form=form,
        title="Log a contact",
        action=log,
        success="Contact logged.",
        anchor="contacts",
        watch_conflicts=True,
    )


@login_required
@require_http_methods(["GET", "POST"])
def role_change_view(request: HttpRequest, case_id: int) -> HttpResponseBase:
    user = signed_in_user(request)
    case = access_case(user, case_id, CaseAction.EDIT, log_read=False)
    form = DatedRoleChangeForm(request.POST or None, case=case)

    def change() -> object:
        data = form.cleaned_data
        return services.participant_role_change(
            actor=user,
            case_id=case.pk,
            participant_id=data["participant"].pk,
            role=ParticipantRole(data["role"]),
            reason=data["reason"],
            occurred_at=data["occurred_at"],
        )

    return form_page(
        request,
        case=case,
        form=form,
        title="Change a participant's role",
        action=change,
        success="Role changed.",
        anchor="participants-h",
        watch_conflicts=True,
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_edit_view(request: HttpRequest, case_id: int) -> HttpResponseBase:
    user = signed_in_user(request)
    case = access_case(user, case_id, CaseAction.EDIT, log_read=False)
    form = CaseDetailsForm(
        request.POST or None, initial={"title": case.title, "summary": case.summary}
    )

    def save() -> object:
        data = form.cleaned_data
        return services.case_update(
            actor=user, case_id=case.pk, title=data["title"], summary=data["summary"]
        )

    return form_page(
        request,
        case=case,
        form=form,
        title="Edit the title and summary",
        action=save,
        success="Case details saved.",
        anchor="",
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_add_view(request: HttpRequest, case_id: int) -> HttpResponseBase:
    user = signed_in_user(request)
    case = access_case(user, case_id, CaseAction.EDIT, log_read=False)
    form = TeamAddForm(request.POST or None)

    def add() -> object:
        data = form.cleaned_data
        return services.case_assign(
            actor=user, case_id=case.pk, user=data["user"], role=AssignmentRole(data["role"])
        )

    return form_page(
        request,
        case=case,
        form=form,
        title="Add a staff member to the team",
        action=add,
        success="Added to the team.",
        anchor="team-h",
    )


@login_required
@require_POST
def conflict_check_view(request: HttpRequest, case_id: int) -> HttpResponse | HttpResponseBase:
    user = signed_in_user(request)
    try:
        flags = conflict_check_run(actor=user, case_id=case_id)
    except PermissionDenied as exc:
        messages.error(request, " ".join(map(str, exc.args)) or "Not allowed.")
        flags = []
    if flags:
        messages.warning(request, f"{len(flags)} new potential conflict(s) flagged.")
    else:
        messages.success(request, "Conflict check run: no new potential conflict.")
    return redirect(f"/cases/{case_id}/#conflicts-h")
