"""Case messages: send, search, read a conversation, download attachments, export; held
messages for oversight and their review by the ethics officer.

Reads go through `evenhand.comms.selectors`, which never return a message tagged to a case the
caller may not see; sending and reviewing go through `evenhand.comms.services`, which decide
delivered / held / refused and keep every message as a record.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from ninja import Query, Router, Status
from ninja.errors import HttpError

from evenhand.accounts.models import User
from evenhand.comms import selectors, services
from evenhand.comms.export import EXPORT_COLUMNS, spreadsheet_safe
from evenhand.comms.models import Message

from .auth import current_user
from .errors import READ_ERRORS, WRITE_ERRORS, ErrorOut
from .fields import DbId
from .schemas import PageQuery
from .schemas_common import (
    attachment_disposition,
    is_oversight,
    oversight_caller,
    user_named,
    users_named,
)
from .schemas_messages import (
    MessageExportQuery,
    MessageFilterQuery,
    MessageIn,
    MessageListOut,
    MessageOut,
    MessageSearchQuery,
    ReviewIn,
    ThreadOut,
    message_out,
)
from .schemas_screening import visible_case_ids

router = Router(tags=["messages"])

EXPORT_CHUNK = 200
BINARY_DOWNLOAD = {
    "responses": {
        200: {
            "description": "The attachment's bytes, always offered as a download.",
            "content": {"application/octet-stream": {"schema": {"type": "string"}}},
        }
    }
}
EXPORT_FORMATS = {
    "responses": {
        200: {
            "description": "One JSON object per line (format=jsonl) or CSV with a header row.",
            "content": {
                "application/jsonl": {"schema": {"type": "string"}},
                "text/csv": {"schema": {"type": "string"}},
            },
        }
    }
}


def _search(user: User, filters: MessageFilterQuery) -> QuerySet[Message]:
    sender = user_named(filters.sender, field="sender") if filters.sender.strip() else None
    return selectors.message_search(
        user=user, filters=filters.to_filters(sender.pk if sender else None)
    )


@router.post("", response={201: MessageOut, **WRITE_ERRORS})
def send_message(request: HttpRequest, payload: MessageIn) -> Status[MessageOut]:
    """Send a message: 201 with status `delivered`, or `held` when it mentions a case screened
    from someone in the conversation (reported as an attempted breach). A message tagged to a
    case that you or a recipient may not discuss, or that does not exist, is refused with 403.
    Every outcome is kept as a record."""
    actor = current_user(request)
    message = services.message_send(
        actor=actor,
        recipients=users_named(payload.recipients, field="recipients"),
        subject=payload.subject,
        body=payload.body,
        case_ids=payload.case_ids,
        thread_id=payload.thread_id,
        attachments=[item.to_new_attachment() for item in payload.attachments],
    )
    return Status(201, message_out(message, oversight=is_oversight(actor)))


@router.get("", response={200: MessageListOut, **READ_ERRORS})
def search_messages(request: HttpRequest, filters: Query[MessageSearchQuery]) -> MessageListOut:
    """Messages you may read (your own, those delivered to you; all for oversight), newest
    first. Never one tagged to a case you may not see."""
    user = current_user(request)
    messages = _search(user, filters)
    page = messages[filters.offset : filters.offset + filters.page_size]
    return MessageListOut(
        items=[message_out(message, oversight=is_oversight(user)) for message in page],
        total=messages.count(),
        page=filters.page,
        page_size=filters.page_size,
    )


@router.get("/held", response={200: MessageListOut, 403: ErrorOut, **READ_ERRORS})
def list_held_messages(request: HttpRequest, filters: Query[PageQuery]) -> MessageListOut:
    """Held messages (attempted breaches of a screen), for the oversight roles."""
    user = oversight_caller(request)
    held = selectors.held_messages(user=user)
    page = held[filters.offset : filters.offset + filters.page_size]
    return MessageListOut(
        items=[message_out(message, oversight=True) for message in page],
        total=held.count(),
        page=filters.page,
        page_size=filters.page_size,
    )


def _csv_row(item: MessageOut) -> list[str]:
    values = (
        str(item.id),
        str(item.thread_id),
        item.sent_at.isoformat(),
        item.sender.username,
        " ".join(person.username for person in item.recipients),
        " ".join(case.number for case in item.cases),
        item.status,
        item.subject,
        item.body,
        " ".join(attachment.filename for attachment in item.attachments),
    )
    return [spreadsheet_safe(value) for value in values]


def _export_lines(messages: QuerySet[Message], *, oversight: bool, as_csv: bool) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if as_csv:
        writer.writerow(EXPORT_COLUMNS)
    for message in messages.iterator(chunk_size=EXPORT_CHUNK):
        item = message_out(message, oversight=oversight)
        if not as_csv:
            yield item.model_dump_json() + "\n"
            continue
        writer.writerow(_csv_row(item))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if as_csv:
        yield buffer.getvalue()


@router.get(
    "/export",
    response={200: None, **READ_ERRORS},
    openapi_extra=EXPORT_FORMATS,
)
def export_messages(
    request: HttpRequest, filters: Query[MessageExportQuery]
) -> StreamingHttpResponse:
    """Every message you may read that matches the filters, as JSON lines or CSV (cells that
    a spreadsheet would run as a formula are prefixed with a single quote)."""
    user = current_user(request)
    messages = _search(user, filters)
    as_csv = filters.format == "csv"
    services.messages_export_record(
        actor=user, export_format=filters.format, count=messages.count(), query=filters.q
    )
    response = StreamingHttpResponse(
        _export_lines(messages, oversight=is_oversight(user), as_csv=as_csv),
        content_type="text/csv; charset=utf-8" if as_csv else "application/jsonl; charset=utf-8",
    )
    response["Content-Disposition"] = attachment_disposition(f"messages.{filters.format}")
    return response


@router.get("/threads/{thread_id}", response={200: ThreadOut, 404: ErrorOut, **READ_ERRORS})
def get_thread(request: HttpRequest, thread_id: DbId) -> ThreadOut:
    """The messages of a conversation that you may read, oldest first."""
    user = current_user(request)
    messages = selectors.thread_messages(user=user, thread_id=thread_id)
    if not messages:
        raise HttpError(404, "Conversation not found.")
    services.thread_read_record(
        actor=user,
        thread_id=thread_id,
        case_id=next((case.pk for m in messages for case in m.cases.all()), None),
    )
    thread = messages[0].thread
    for message in messages:
        message.thread = thread  # one query for the subject, not one per message
    return ThreadOut(
        id=thread.pk,
        subject=thread.subject,
        messages=[message_out(message, oversight=is_oversight(user)) for message in messages],
    )


@router.get(
    "/attachments/{attachment_id}",
    response={200: None, 404: ErrorOut, **READ_ERRORS},
    openapi_extra=BINARY_DOWNLOAD,
)
def download_attachment(request: HttpRequest, attachment_id: DbId) -> HttpResponse:
    """An attachment of a message you may read; 404 otherwise."""
    attachment = selectors.attachment_for(user=current_user(request), attachment_id=attachment_id)
    if attachment is None:
        raise HttpError(404, "Attachment not found.")
    response = HttpResponse(bytes(attachment.content), content_type="application/octet-stream")
    response["Content-Disposition"] = attachment_disposition(attachment.filename, "attachment")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.post("/{message_id}/review", response={200: MessageOut, **WRITE_ERRORS})
def review_message(request: HttpRequest, message_id: DbId, payload: ReviewIn) -> MessageOut:
    """The ethics officer's decision on a held message: release it (a false alarm) or keep it
    held. Each held message is reviewed once."""
    actor = current_user(request)
    message = services.held_message_review(
        actor=actor, message_id=message_id, release=payload.release, note=payload.note
    )
    tagged = message.cases.values_list("pk", flat=True)
    return message_out(message, oversight=True, visible_cases=visible_case_ids(actor, tagged))
