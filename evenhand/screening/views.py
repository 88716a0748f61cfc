"""Pages for screens and conflict flags."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from evenhand.accounts.current import signed_in_user
from evenhand.accounts.models import Role
from evenhand.cases.selectors import case_ids_for_numbers

from .forms import LiftForm, ResolveForm, ScreenForm
from .models import ConflictStatus, ScreenKind
from .policies import OVERSIGHT
from .selectors import flag_list, screen_detail, screen_list, sees_all_screens
from .services import (
    SCREEN_MANAGERS,
    conflict_resolve,
    screen_acknowledge,
    screen_lift,
    screen_raise,
)


def errors_into(form: Form, exc: ValidationError) -> None:
    """Show a service's validation errors on the form that submitted the input."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
def screen_list_view(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    return render(
        request,
        "screening/screen_list.html",
        {
            "screens": screen_list(user=user),
            "all_screens": sees_all_screens(user),
            "may_raise": user.role in SCREEN_MANAGERS,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def screen_create_view(request: HttpRequest) -> HttpResponseBase:
    user = signed_in_user(request)
    if user.role not in SCREEN_MANAGERS:
        raise PermissionDenied("Only the ethics officer or the office's leadership raise screens.")
    form = ScreenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ids, unknown = case_ids_for_numbers(user=user, numbers=form.numbers())
        if unknown:
            form.add_error("case_numbers", f"Unknown case number(s): {', '.join(unknown)}")
        else:
            try:
                screen = screen_raise(
                    actor=user,
                    kind=ScreenKind(form.cleaned_data["kind"]),
                    users=list(form.cleaned_data["users"]),
                    case_ids=ids,
                    reason=form.cleaned_data["reason"],
                    memo=form.cleaned_data["memo"],
                    starts_at=form.cleaned_data["starts_at"],
                    ends_at=form.cleaned_data["ends_at"],
                    screened_terms=form.terms(),
                )
            except ValidationError as exc:
                errors_into(form, exc)
            else:
                messages.success(
                    request, f"Screen #{screen.pk} raised; it applies from the next request."
                )
                return redirect("screen-detail", screen_id=screen.pk)
    return render(request, "screening/screen_form.html", {"form": form})


@login_required
def screen_detail_view(request: HttpRequest, screen_id: int) -> HttpResponse:
    user = signed_in_user(request)
    screen = screen_detail(user=user, screen_id=screen_id)
    if screen is None:
        raise Http404("Screen not found.")
    named = [entry for entry in screen.people.all() if entry.user_id == user.pk]
    return render(
        request,
        "screening/screen_detail.html",
        {
            "screen": screen,
            "my_entry": named[0] if named else None,
            "may_lift": user.role in SCREEN_MANAGERS and not named and screen.lifted_at is None,
            "lift_form": LiftForm(),
        },
    )


@login_required
@require_POST
def screen_acknowledge_view(request: HttpRequest, screen_id: int) -> HttpResponseBase:
    try:
        screen_acknowledge(actor=signed_in_user(request), screen_id=screen_id)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Acknowledged. The acknowledgement is on the record.")
    return redirect("screen-detail", screen_id=screen_id)


@login_required
@require_POST
def screen_lift_view(request: HttpRequest, screen_id: int) -> HttpResponseBase:
    form = LiftForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the reason for lifting the screen.")
        return redirect("screen-detail", screen_id=screen_id)
    try:
        screen_lift(
            actor=signed_in_user(request), screen_id=screen_id, reason=form.cleaned_data["reason"]
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, "Screen lifted; it no longer applies from the next request.")
    return redirect("screen-detail", screen_id=screen_id)


@login_required
def conflict_list_view(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    flags = list(flag_list(user=user))
    head = user.role == Role.STATES_ATTORNEY
    forms = {
        flag.pk: ResolveForm(prefix=f"f{flag.pk}", head_of_office=head)
        for flag in flags
        if flag.staff_id == user.pk and flag.status == ConflictStatus.OPEN
    }
    return render(
        request,
        "screening/conflict_list.html",
        {"flags": flags, "forms": forms, "oversight": user.role in OVERSIGHT},
    )


@login_required
@require_POST
def conflict_resolve_view(request: HttpRequest, flag_id: int) -> HttpResponseBase:
    user = signed_in_user(request)
    form = ResolveForm(
        request.POST, prefix=f"f{flag_id}", head_of_office=user.role == Role.STATES_ATTORNEY
    )
    if not form.is_valid():
        messages.error(request, "Choose a decision and record the reason.")
        return redirect("conflict-list")
    try:
        resolution = conflict_resolve(
            actor=user,
            flag_id=flag_id,
            recuse=form.cleaned_data["decision"] == "recuse",
            note=form.cleaned_data["note"],
            acting_delegate=form.cleaned_data.get("acting_delegate"),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("conflict-list")
    if resolution.flag.status == ConflictStatus.RECUSED:
        messages.success(
            request,
            "You are recused: the screen applies from your next request. Acknowledge its memo.",
        )
    else:
        messages.success(request, "Recorded: no recusal, with your reason.")
    if resolution.delegation_refused:
        messages.error(request, resolution.delegation_refused)
    return redirect("conflict-list")
