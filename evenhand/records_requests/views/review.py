"""Reviewing the records a request covers: withholding a sealed case by its number, adding a
found record, and each record's page, where the officer decides the record and its redactions
(the detector's suggestions and spans drawn by hand), every suggestion shown in its context."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from evenhand.accounts.current import signed_in_user
from evenhand.accounts.models import User
from evenhand.screening.views import errors_into

from .. import forms, services
from ..models import RecordsRequest, RedactionDecision, ReviewedRecord
from ..policies import may_handle_requests
from .common import reader, request_or_404
from .request_page import act_on_request


@login_required
@require_POST
def sealed_case_view(request: HttpRequest, request_id: int) -> HttpResponseBase:
    def action(user: User, item: RecordsRequest, data: dict[str, Any]) -> str:
        withheld = services.request_withhold_sealed_case(
            actor=user, request_id=item.pk, case_number=data["case_number"]
        )
        return f"Case {withheld.case_number} withheld under {withheld.exemption_code}."

    return act_on_request(request, request_id, forms.SealedCaseForm, action, "sealed_form")


@login_required
@require_POST
def add_record_view(request: HttpRequest, request_id: int) -> HttpResponseBase:
    def action(user: User, item: RecordsRequest, data: dict[str, Any]) -> str:
        record = services.record_add(
            actor=user, request_id=item.pk, kind=data["kind"], object_id=data["object_id"]
        )
        return f"Added “{record.title}” with {record.redactions.count()} suggested redactions."

    return act_on_request(request, request_id, forms.AddRecordForm, action, "add_form")


def _record_or_404(user: User, request_id: int, record_id: int) -> ReviewedRecord:
    item = request_or_404(user, request_id)
    record = item.records.filter(pk=record_id).prefetch_related("redactions").first()
    if record is None:
        raise Http404("Record not found.")
    return record


def _segments(record: ReviewedRecord) -> list[dict[str, Any]]:
    """The original text cut at each redaction, for showing every suggestion in context."""
    parts: list[dict[str, Any]] = []
    cursor = 0
    for redaction in sorted(record.redactions.all(), key=lambda r: (r.start, r.end)):
        if redaction.start < cursor:
            continue
        parts.append({"text": record.original_text[cursor : redaction.start]})
        parts.append({"text": redaction.text, "redaction": redaction})
        cursor = redaction.end
    parts.append({"text": record.original_text[cursor:]})
    return parts


def _record_page(
    request: HttpRequest, user: User, record: ReviewedRecord, status: int = 200, **extra: Any
) -> HttpResponse:
    return render(
        request,
        "records_requests/record.html",
        {
            "record": record,
            "item": record.request,
            "segments": _segments(record),
            "exemptions": forms.exemption_choices(),
            "may_handle": may_handle_requests(user),
            "decision_form": extra.pop(
                "decision_form",
                forms.DecisionForm(
                    initial={
                        "decision": record.decision,
                        "exemption_code": record.exemption_code,
                        "basis": record.basis,
                    }
                ),
            ),
            "manual_form": extra.pop("manual_form", forms.ManualRedactionForm()),
            "suggested": RedactionDecision.SUGGESTED,
            **extra,
        },
        status=status,
    )


@login_required
def record_view(request: HttpRequest, request_id: int, record_id: int) -> HttpResponse:
    user = reader(request)
    return _record_page(request, user, _record_or_404(user, request_id, record_id))


def _record_act(
    request: HttpRequest,
    request_id: int,
    record_id: int,
    *,
    form: Form,
    form_name: str,
    action: Callable[[User, ReviewedRecord, dict[str, Any]], str],
) -> HttpResponseBase:
    user = signed_in_user(request)
    if not may_handle_requests(user):
        raise PermissionDenied("Only the records officer may do this.")
    record = _record_or_404(user, request_id, record_id)
    if form.is_valid():
        try:
            done = action(user, record, form.cleaned_data)
        except ValidationError as exc:
            errors_into(form, exc)
        except ObjectDoesNotExist as exc:
            form.add_error(None, str(exc))
        else:
            flash.success(request, done)
            return redirect("records-record", request_id=request_id, record_id=record_id)
    record = _record_or_404(user, request_id, record_id)
    return _record_page(request, user, record, status=422, **{form_name: form})


@login_required
@require_POST
def decide_record_view(request: HttpRequest, request_id: int, record_id: int) -> HttpResponseBase:
    def action(user: User, record: ReviewedRecord, data: dict[str, Any]) -> str:
        services.record_decide(actor=user, record_id=record.pk, **data)
        return "Decision recorded."

    return _record_act(
        request,
        request_id,
        record_id,
        form=forms.DecisionForm(request.POST),
        form_name="decision_form",
        action=action,
    )


@login_required
@require_POST
def decide_redaction_view(
    request: HttpRequest, request_id: int, record_id: int, redaction_id: int
) -> HttpResponseBase:
    def action(user: User, record: ReviewedRecord, data: dict[str, Any]) -> str:
        if not record.redactions.filter(pk=redaction_id).exists():
            raise ValidationError("No such redaction on this record.")
        done = services.redaction_decide(
            actor=user,
            redaction_id=redaction_id,
            accept=data["accept"],
            exemption=data["exemption"],
        )
        return f"Redaction {done.get_decision_display().lower()} ({done.exemption})."

    return _record_act(
        request,
        request_id,
        record_id,
        form=forms.RedactionDecisionForm(request.POST),
        form_name="redaction_form",
        action=action,
    )


@login_required
@require_POST
def manual_redaction_view(
    request: HttpRequest, request_id: int, record_id: int
) -> HttpResponseBase:
    def action(user: User, record: ReviewedRecord, data: dict[str, Any]) -> str:
        services.redaction_propose(actor=user, record_id=record.pk, **data)
        return "Redaction added."

    return _record_act(
        request,
        request_id,
        record_id,
        form=forms.ManualRedactionForm(request.POST),
        form_name="manual_form",
        action=action,
    )
