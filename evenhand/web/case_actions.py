"""Form posts from the case page. Each calls one service and returns to the case page."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from evenhand.accounts.models import User
from evenhand.cases import services
from evenhand.cases.forms import ContactForm, RoleChangeForm, TeamAddForm
from evenhand.cases.models import AssignmentRole, ContactChannel, ParticipantRole
from evenhand.cases.selectors import case_people
from evenhand.screening.policies import CaseAction, access_case
from evenhand.screening.services import conflict_check_run


def _user(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise TypeError("authenticated user expected")
    return request.user


def _back(case_id: int, anchor: str) -> HttpResponseRedirect:
    return redirect(f"/cases/{case_id}/#{anchor}")


def _run(request: HttpRequest, action: Callable[[], object], success: str) -> None:
    """Call a service and turn its validation errors into messages on the case page."""
    try:
        action()
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    except PermissionDenied as exc:
        messages.error(request, " ".join(map(str, exc.args)) or "Not allowed.")
    else:
        messages.success(request, success)


def _form_errors(request: HttpRequest, errors: ErrorDict) -> None:
    for field, texts in errors.items():
        for text in texts:
            messages.error(request, f"{field}: {text}" if field != "__all__" else str(text))


@login_required
@require_POST
def contact_log_view(request: HttpRequest, case_id: int) -> HttpResponseRedirect:
    user = _user(request)
    case = access_case(user, case_id, CaseAction.VIEW, log_read=False)
    form = ContactForm(request.POST, people=case_people(case=case))
    if not form.is_valid():
        _form_errors(request, form.errors)
        return _back(case_id, "contacts")
    data = form.cleaned_data
    _run(
        request,
        lambda: services.contact_log(
            actor=user,
            staff=data["staff"],
            person=data["person"],
            case_id=case.pk,
            channel=ContactChannel(data["channel"]),
            occurred_at=data["occurred_at"],
            summary=data["summary"],
        ),
        "Contact logged; the conflict check has run.",
    )
    return _back(case_id, "contacts")


@login_required
@require_POST
def role_change_view(request: HttpRequest, case_id: int) -> HttpResponseRedirect:
    user = _user(request)
    case = access_case(user, case_id, CaseAction.VIEW, log_read=False)
    form = RoleChangeForm(request.POST, case=case)
    if not form.is_valid():
        _form_errors(request, form.errors)
        return _back(case_id, "participants-h")
    data = form.cleaned_data
    _run(
        request,
        lambda: services.participant_role_change(
            actor=user,
            case_id=case.pk,
            participant_id=data["participant"].pk,
            role=ParticipantRole(data["role"]),
            reason=data["reason"],
        ),
        "Role changed.",
    )
    return _back(case_id, "participants-h")


@login_required
@require_POST
def team_add_view(request: HttpRequest, case_id: int) -> HttpResponseRedirect:
    user = _user(request)
    form = TeamAddForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form.errors)
        return _back(case_id, "team-h")
    data = form.cleaned_data
    _run(
        request,
        lambda: services.case_assign(
            actor=user, case_id=case_id, user=data["user"], role=AssignmentRole(data["role"])
        ),
        f"{data['user']} added to the team.",
    )
    return _back(case_id, "team-h")


@login_required
@require_POST
def conflict_check_view(request: HttpRequest, case_id: int) -> HttpResponseRedirect:
    user = _user(request)
    flags: list[object] = []
    _run(
        request,
        lambda: flags.extend(conflict_check_run(actor=user, case_id=case_id)),
        "Conflict check run.",
    )
    if flags:
        messages.warning(request, f"{len(flags)} new potential conflict(s) flagged.")
    return _back(case_id, "conflicts-h")
