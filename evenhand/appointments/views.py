"""Petitions for a special prosecutor and the court's order."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from evenhand.accounts.current import signed_in_user
from evenhand.screening.policies import CaseAction, may
from evenhand.screening.views import errors_into

from .forms import CourtOrderForm
from .models import AppointeeSource, PetitionStatus
from .selectors import petition_detail, petition_list
from .services import court_order_record, petition_document


@login_required
def petition_list_view(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "appointments/petition_list.html",
        {"petitions": petition_list(user=signed_in_user(request))},
    )


@login_required
@require_http_methods(["GET", "POST"])
def petition_detail_view(request: HttpRequest, petition_id: int) -> HttpResponseBase:
    user = signed_in_user(request)
    petition = petition_detail(user=user, petition_id=petition_id)
    may_record = petition.status == PetitionStatus.DRAFTED and may(
        user, petition.case, CaseAction.EDIT
    )
    form = CourtOrderForm(request.POST or None) if may_record else None
    initial_password = ""
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            recorded = court_order_record(
                actor=user,
                petition_id=petition.pk,
                judge=data["judge"],
                order_date=data["order_date"],
                appointee_username=data["appointee_username"],
                appointee_first_name=data["appointee_first_name"],
                appointee_last_name=data["appointee_last_name"],
                appointee_source=AppointeeSource(data["appointee_source"]),
                scope=data["scope"],
            )
        except ValidationError as exc:
            errors_into(form, exc)
        else:
            messages.success(
                request,
                f"Order recorded. {recorded.order.appointee} now has access to this case only.",
            )
            initial_password = recorded.initial_password
            petition = petition_detail(user=user, petition_id=petition_id)
            form = None
    return render(
        request,
        "appointments/petition_detail.html",
        {"petition": petition, "form": form, "initial_password": initial_password},
    )


@login_required
def petition_download_view(request: HttpRequest, petition_id: int) -> HttpResponse:
    petition, text = petition_document(actor=signed_in_user(request), petition_id=petition_id)
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="petition-{petition.pk}-{petition.case.number}.txt"'
    )
    return response
