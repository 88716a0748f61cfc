"""The records officer's desk: open requests split into overdue, due soon and the rest, and
staff entry of a request received by mail, e-mail, phone or in person."""

from __future__ import annotations

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from evenhand.screening.views import errors_into

from .. import forms, services
from ..policies import may_handle_requests
from ..selectors import desk_lists
from .common import reader


@login_required
def desk_view(request: HttpRequest) -> HttpResponse:
    user = reader(request)
    today = timezone.localdate()
    return render(
        request,
        "records_requests/desk.html",
        {
            "lists": desk_lists(user=user, today=today),
            "today": today,
            "may_handle": may_handle_requests(user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_entry_view(request: HttpRequest) -> HttpResponseBase:
    user = reader(request)
    form = forms.StaffRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.request_receive(
                actor=user,
                new=services.NewRequest(
                    requester_name=data["requester_name"],
                    description=data["description"],
                    requester_email=data["requester_email"],
                    requester_phone=data["requester_phone"],
                    requester_address=data["requester_address"],
                    requester_organisation=data["requester_organisation"],
                    medium=data["medium"],
                ),
                channel=data["channel"],
                received_on=data["received_on"],
                requester_class=data["requester_class"],
                class_basis=data["class_basis"],
            )
        except ValidationError as exc:
            errors_into(form, exc)
        else:
            flash.success(request, f"Request {created.number} recorded.")
            return redirect("records-request", request_id=created.pk)
    return render(request, "records_requests/staff_entry.html", {"form": form})
