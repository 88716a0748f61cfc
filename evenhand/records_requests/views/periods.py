"""The forms on a request's page that set which due date applies: the requester's class, the
one statutory extension, a period agreed in writing, and the request's status."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponseBase
from django.views.decorators.http import require_POST

from evenhand.accounts.models import User

from .. import forms, services
from ..models import RecordsRequest
from .request_page import act_on_request


@login_required
@require_POST
def classify_view(request: HttpRequest, request_id: int) -> HttpResponseBase:
    def action(user: User, item: RecordsRequest, data: dict[str, Any]) -> str:
        services.request_classify(
            actor=user,
            request_id=item.pk,
            requester_class=data["requester_class"],
            basis=data["basis"],
        )
        return "Requester class recorded; the due date was recomputed."

    return act_on_request(request, request_id, forms.ClassifyForm, action, "class_form")


@login_required
@require_POST
def extend_view(request: HttpRequest, request_id: int) -> HttpResponseBase:
    def action(user: User, item: RecordsRequest, data: dict[str, Any]) -> str:
        done = services.request_extend(
            actor=user,
            request_id=item.pk,
            reason=data["reason"],
            facts=data["facts"],
            notice_sent_on=data["notice_sent_on"],
        )
        return f"Deadline extended to {done.due_on:%A %d %B %Y}."

    return act_on_request(request, request_id, forms.ExtendForm, action, "extend_form")


@login_required
@require_POST
def agree_view(request: HttpRequest, request_id: int) -> HttpResponseBase:
    def action(user: User, item: RecordsRequest, data: dict[str, Any]) -> str:
        services.request_agree_extension(
            actor=user,
            request_id=item.pk,
            agreed_due_on=data["agreed_due_on"],
            agreement=data["agreement"],
        )
        return "Agreed due date recorded."

    return act_on_request(request, request_id, forms.AgreeForm, action, "agree_form")


@login_required
@require_POST
def status_view(request: HttpRequest, request_id: int) -> HttpResponseBase:
    def action(user: User, item: RecordsRequest, data: dict[str, Any]) -> str:
        services.request_set_status(
            actor=user, request_id=item.pk, status=data["status"], note=data["note"]
        )
        return "Status changed."

    return act_on_request(request, request_id, forms.StatusForm, action, "status_form")
