"""Case messages: inbox, compose, threads, search and export, held-message review."""

from __future__ import annotations

import csv
import io
import json
import re

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from evenhand.accounts.current import signed_in_user
from evenhand.accounts.models import Role, User
from evenhand.cases.selectors import case_ids_for_numbers
from evenhand.screening.policies import OVERSIGHT
from evenhand.screening.views import errors_into

from .export import EXPORT_COLUMNS, spreadsheet_safe
from .forms import MessageForm, ReviewForm, SearchForm
from .models import Message, MessageStatus
from .selectors import (
    MessageFilters,
    attachment_for,
    held_messages,
    inbox_page,
    message_search,
    thread_messages,
)
from .services import (
    MessageRefusedError,
    NewAttachment,
    held_message_review,
    message_send,
    messages_export_record,
    thread_read_record,
)

PER_PAGE = 25
_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


@login_required
def inbox_view(request: HttpRequest) -> HttpResponse:
    page = inbox_page(
        user=signed_in_user(request), number=request.GET.get("page"), per_page=PER_PAGE
    )
    return render(request, "comms/inbox.html", {"page": page, "title": "Inbox"})


@login_required
@require_http_methods(["GET", "POST"])
def compose_view(request: HttpRequest) -> HttpResponseBase:
    user = signed_in_user(request)
    form = MessageForm(
        request.POST or None,
        request.FILES or None,
        sender=user,
        initial={"thread": request.GET.get("thread")},
    )
    if request.method == "POST" and form.is_valid():
        ids, unknown = case_ids_for_numbers(user=user, numbers=form.numbers())
        try:
            message = message_send(
                actor=user,
                recipients=list(form.cleaned_data["recipients"]),
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                # An unknown number goes to the service as an impossible id, so that it is
                # refused and recorded exactly like a case the sender may not discuss.
                case_ids=[*ids, *([0] if unknown else [])],
                thread_id=form.cleaned_data.get("thread"),
                attachments=[
                    NewAttachment(
                        filename=upload.name or "attachment",
                        content_type=upload.content_type or "application/octet-stream",
                        content=upload.read(),
                    )
                    for upload in form.cleaned_data["attachments"]
                ],
            )
        except MessageRefusedError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            errors_into(form, exc)
        else:
            if message.status == MessageStatus.HELD:
                flash.warning(
                    request,
                    "Your message was held, not delivered: it mentions a case screened from "
                    "someone in the conversation. The ethics officer and the inspector general "
                    "have been notified.",
                )
            else:
                flash.success(request, "Message delivered.")
            return redirect("message-thread", thread_id=message.thread_id)
    return render(request, "comms/compose.html", {"form": form})


@login_required
def thread_view(request: HttpRequest, thread_id: int) -> HttpResponse:
    user = signed_in_user(request)
    items = thread_messages(user=user, thread_id=thread_id)
    if not items:
        raise Http404("Conversation not found.")
    thread_read_record(
        actor=user,
        thread_id=thread_id,
        case_id=next((c.pk for m in items for c in m.cases.all()), None),
    )
    return render(request, "comms/thread.html", {"items": items, "thread_id": thread_id})


def _filters(user: User, form: SearchForm) -> MessageFilters:
    data = form.cleaned_data
    case_id = None
    if data.get("case_number"):
        ids, _ = case_ids_for_numbers(user=user, numbers=[data["case_number"]])
        case_id = ids[0] if ids else 0
    return MessageFilters(
        query=data.get("q") or "",
        case_id=case_id,
        status=MessageStatus(data["status"]) if data.get("status") else None,
        sent_from=data.get("sent_from"),
        sent_to=data.get("sent_to"),
    )


@login_required
def search_view(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = SearchForm(request.GET or None)
    results = message_search(user=user, filters=_filters(user, form)) if form.is_valid() else None
    page = (
        Paginator(results, PER_PAGE).get_page(request.GET.get("page"))
        if results is not None
        else None
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "comms/search.html",
        {"form": form, "page": page, "querystring": query.urlencode()},
    )


def _export_rows(items: list[Message]) -> list[dict[str, str]]:
    return [
        {
            "id": str(m.pk),
            "thread_id": str(m.thread_id),
            "sent_at": m.sent_at.isoformat(),
            "sender": m.sender.username,
            "recipients": " ".join(r.user.username for r in m.recipients.all()),
            "cases": " ".join(c.number for c in m.cases.all()),
            "status": m.status,
            "subject": m.thread.subject,
            "body": m.body,
            "attachments": " ".join(a.filename for a in m.attachments.all()),
        }
        for m in items
    ]


@login_required
def export_view(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = SearchForm(request.GET or None)
    if not form.is_valid() and request.GET:
        return HttpResponse("Invalid filters.", status=400, content_type="text/plain")
    filters = _filters(user, form) if form.is_valid() else MessageFilters()
    rows = _export_rows(list(message_search(user=user, filters=filters)[:10_000]))
    fmt = request.GET.get("format", "csv")
    messages_export_record(actor=user, export_format=fmt, count=len(rows), query=filters.query)
    if fmt == "jsonl":
        body = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
        response = HttpResponse(body, content_type="application/x-ndjson; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="messages.jsonl"'
        return response
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EXPORT_COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow({key: spreadsheet_safe(value) for key, value in row.items()})
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="messages.csv"'
    return response


@login_required
def attachment_view(request: HttpRequest, attachment_id: int) -> HttpResponse:
    attachment = attachment_for(user=signed_in_user(request), attachment_id=attachment_id)
    if attachment is None:
        raise Http404("Attachment not found.")
    response = HttpResponse(bytes(attachment.content), content_type="application/octet-stream")
    safe_name = _UNSAFE_FILENAME.sub("_", attachment.filename).strip("._") or "attachment"
    response["Content-Disposition"] = f'attachment; filename="{safe_name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def held_view(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if user.role not in OVERSIGHT:
        raise PermissionDenied("Held messages are for the ethics officer and oversight.")
    return render(
        request,
        "comms/held.html",
        {
            "items": held_messages(user=user),
            "review_form": ReviewForm(),
            "may_review": user.role == Role.ETHICS_OFFICER,
        },
    )


@login_required
@require_POST
def review_view(request: HttpRequest, message_id: int) -> HttpResponseBase:
    form = ReviewForm(request.POST)
    if not form.is_valid():
        flash.error(request, "Choose a decision and record the reason.")
        return redirect("held-messages")
    try:
        held_message_review(
            actor=signed_in_user(request),
            message_id=message_id,
            release=form.cleaned_data["decision"] == "release",
            note=form.cleaned_data["note"],
        )
    except (ValidationError, PermissionDenied) as exc:
        flash.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        flash.success(request, "Review recorded.")
    return redirect("held-messages")
