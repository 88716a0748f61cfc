"""Forms for case work, each on its own page (the case page stays light) and each calling one
service. A GET shows the form; a valid POST calls the service and returns to the case page."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from evenhand.accounts.current import signed_in_user
from evenhand.cases import services
from evenhand.cases.forms import ContactForm, RoleChangeForm, TeamAddForm
from evenhand.cases.models import AssignmentRole, Case, ContactChannel, ParticipantRole
from evenhand.cases.selectors import case_people
from evenhand.screening.policies import CaseAction, access_case
from evenhand.screening.services import conflict_check_run
from evenhand.screening.views import errors_into


def _form_page(
    request: HttpRequest,
    *,
    case: Case,
    form: Form,
    title: str,
    action: Callable[[], object],
    success: str,
    anchor: str,
) -> HttpResponseBase:
    """Show the form; on a valid post, run the service and go back to the case page."""
    if request.method == "POST" and form.is_valid():
        try:
            action()
        except ValidationError as exc:
            errors_into(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, " ".join(map(str, exc.args)) or "Not allowed.")
        else:
            messages.success(request, success)
            return redirect(f"/cases/{case.pk}/#{anchor}")
    return render(request, "cases/action_form.html", {"case": case, "form": form, "title": title})


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

    return _form_page(
        request,
        case=case,
        form=form,
        title="Log a contact",
        action=log,
        success="Contact logged; the conflict check has run.",
        anchor="contacts",
    )


@login_required
@require_http_methods(["GET", "POST"])
def role_change_view(request: HttpRequest, case_id: int) -> HttpResponseBase:
    user = signed_in_user(request)
    case = access_case(user, case_id, CaseAction.EDIT, log_read=False)
    form = RoleChangeForm(request.POST or None, case=case)

    def change() -> object:
        data = form.cleaned_data
        return services.participant_role_change(
            actor=user,
            case_id=case.pk,
            participant_id=data["participant"].pk,
            role=ParticipantRole(data["role"]),
            reason=data["reason"],
        )

    return _form_page(
        request,
        case=case,
        form=form,
        title="Change a participant's role",
        action=change,
        success="Role changed.",
        anchor="participants-h",
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

    return _form_page(
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
