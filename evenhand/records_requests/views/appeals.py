"""The forms on a request's page that record an appeal of the answer (with its deadlines) and
close it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponseBase
from django.views.decorators.http import require_POST

from evenhand.accounts.models import User

from .. import forms, services
from ..models import RecordsRequest
from .request_page import act_on_request


@login_required
@require_POST
def appeal_view(request: HttpRequest, request_id: int) -> HttpResponseBase:
    def action(user: User, item: RecordsRequest, data: dict[str, Any]) -> str:
        services.appeal_record(actor=user, request_id=item.pk, **data)
        return "Appeal recorded with its deadlines."

    return act_on_request(request, request_id, forms.AppealForm, action, "appeal_form")


@login_required
@require_POST
def appeal_close_view(request: HttpRequest, request_id: int, appeal_id: int) -> HttpResponseBase:
    def action(user: User, item: RecordsRequest, data: dict[str, Any]) -> str:
        if not item.appeals.filter(pk=appeal_id).exists():
            raise ValidationError("No such appeal on this request.")
        services.appeal_close(actor=user, appeal_id=appeal_id, **data)
        return "Appeal closed."

    return act_on_request(request, request_id, forms.AppealCloseForm, action, "close_form")
