"""Request and response shapes of the case-message endpoints.

Why a message was held or refused, and its review, are shown to oversight only: the note
names the screen and the person it walls off, which the sender and recipients must not learn.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from collections.abc import Container
from typing import Annotated, Literal

from ninja import Schema
from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from evenhand.comms.models import Attachment, BreachReport, Message, MessageStatus
from evenhand.comms.selectors import MessageFilters
from evenhand.comms.services import (
    MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENTS,
    MAX_BODY,
    MAX_RECIPIENTS,
    NewAttachment,
)

from .fields import BodyDbId, DbId, RecordDate, Storable
from .schemas import InputSchema, PageOut, PageQuery, StaffRefOut, staff_ref
from .schemas_common import CaseRefOut, Username, case_ref

MAX_CASE_TAGS = 20
MAX_QUERY_LENGTH = 200
# Base64 grows data by a third; line breaks some encoders add are allowed on top.
MAX_BASE64_LENGTH = (MAX_ATTACHMENT_BYTES // 3 + 1) * 4 * 2
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
_MEDIA_TYPE = re.compile(r"^[A-Za-z0-9][\w!#$&^.+-]*/[\w!#$&^.+-]+(\s*;[ -~]*)?$")


def _plain_filename(value: str) -> str:
    if _CONTROL_CHARACTERS.search(value) or not value.strip():
        raise PydanticCustomError(
            "filename_invalid", "File names must be visible text without control characters."
        )
    return value


def _media_type(value: str) -> str:
    if not _MEDIA_TYPE.match(value):
        raise PydanticCustomError("media_type_invalid", "Give a media type such as text/plain.")
    return value


def _decode(value: str) -> bytes:
    return base64.b64decode("".join(value.split()), validate=True)


def _base64_within_limit(value: str) -> str:
    try:
        size = len(_decode(value))
    except (binascii.Error, ValueError) as exc:
        raise PydanticCustomError("base64_invalid", "Content must be valid base64.") from exc
    if size > MAX_ATTACHMENT_BYTES:
        raise PydanticCustomError(
            "attachment_too_large",
            "Attachments are limited to {limit} bytes.",
            {"limit": MAX_ATTACHMENT_BYTES},
        )
    return value


class AttachmentIn(InputSchema):
    filename: Annotated[
        str, Field(min_length=1, max_length=200), Storable, AfterValidator(_plain_filename)
    ]
    content_type: Annotated[str, Field(max_length=100), Storable, AfterValidator(_media_type)] = (
        "application/octet-stream"
    )
    content_base64: Annotated[
        str, Field(max_length=MAX_BASE64_LENGTH), AfterValidator(_base64_within_limit)
    ] = Field(
        description=f"The file, base64-encoded; at most {MAX_ATTACHMENT_BYTES} bytes decoded. "
        "The whole request is also bounded by the server's upload limit."
    )

    def to_new_attachment(self) -> NewAttachment:
        return NewAttachment(
            filename=self.filename.strip(),
            content_type=self.content_type,
            content=_decode(self.content_base64),
        )


class MessageIn(InputSchema):
    recipients: list[Username] = Field(min_length=1, max_length=MAX_RECIPIENTS)
    subject: Annotated[str, Field(min_length=1, max_length=200), Storable]
    body: Annotated[str, Field(min_length=1, max_length=MAX_BODY), Storable]
    case_ids: list[BodyDbId] = Field(
        default_factory=list,
        max_length=MAX_CASE_TAGS,
        description="Cases the message is about. If you or a recipient may not discuss one "
        "(or it does not exist) the message is refused, and kept as a record.",
    )
    thread_id: BodyDbId | None = Field(None, description="Reply in one of your conversations.")
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=MAX_ATTACHMENTS)


class MessageFilterQuery(Schema):
    q: Annotated[str, Field(max_length=MAX_QUERY_LENGTH), Storable] = Field(
        "", description="Words to find in the subject or body."
    )
    case_id: DbId | None = Field(None, description="Messages tagged to this case.")
    sender: Annotated[str, Field(max_length=150), Storable] = Field(
        "", description="The sender's username."
    )
    status: MessageStatus | None = None
    sent_from: RecordDate | None = Field(None, description="Sent on or after this day.")
    sent_to: RecordDate | None = Field(None, description="Sent on or before this day.")

    def to_filters(self, sender_id: int | None) -> MessageFilters:
        return MessageFilters(
            query=self.q,
            case_id=self.case_id,
            sender_id=sender_id,
            status=self.status,
            sent_from=self.sent_from,
            sent_to=self.sent_to,
        )


class MessageSearchQuery(MessageFilterQuery, PageQuery):
    pass


class MessageExportQuery(MessageFilterQuery):
    format: Literal["jsonl", "csv"] = "jsonl"


class ReviewIn(InputSchema):
    release: bool = Field(description="True: a false alarm, deliver it. False: keep it held.")
    note: Annotated[str, Field(min_length=1, max_length=5000), Storable]


class AttachmentOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str


class BreachOut(Schema):
    screen_id: int
    screened_user: StaffRefOut
    matched_terms: list[str]
    reported_at: dt.datetime


class MessageOversightOut(Schema):
    screening_note: str = Field(description="Which screen and terms refused or held it.")
    breach: BreachOut | None
    reviewed_by: StaffRefOut | None
    reviewed_at: dt.datetime | None
    review_note: str


class MessageOut(Schema):
    id: int
    thread_id: int
    subject: str
    sender: StaffRefOut
    recipients: list[StaffRefOut]
    body: str
    sent_at: dt.datetime
    status: MessageStatus
    status_label: str
    cases: list[CaseRefOut]
    attachments: list[AttachmentOut]
    oversight: MessageOversightOut | None = Field(
        description="Screening details, for the oversight roles only; null for others."
    )


class MessageListOut(PageOut):
    items: list[MessageOut]


class ThreadOut(Schema):
    id: int
    subject: str
    messages: list[MessageOut]


def _attachment_out(attachment: Attachment) -> AttachmentOut:
    return AttachmentOut(
        id=attachment.pk,
        filename=attachment.filename,
        content_type=attachment.content_type,
        size=attachment.size,
        sha256=attachment.sha256,
    )


def _oversight_out(message: Message) -> MessageOversightOut:
    breach = getattr(message, "breach", None)
    return MessageOversightOut(
        screening_note=message.screening_note,
        breach=BreachOut(
            screen_id=breach.screen_id,
            screened_user=staff_ref(breach.screened_user),
            matched_terms=list(breach.matched_terms),
            reported_at=breach.reported_at,
        )
        if isinstance(breach, BreachReport)
        else None,
        reviewed_by=staff_ref(message.reviewed_by) if message.reviewed_by else None,
        reviewed_at=message.reviewed_at,
        review_note=message.review_note,
    )


def message_out(
    message: Message, *, oversight: bool, visible_cases: Container[int] | None = None
) -> MessageOut:
    """`visible_cases`: when the message did not come through a selector, the ids of the
    cases the caller may see (selectors never return a message tagged to a hidden case)."""
    cases = [
        case for case in message.cases.all() if visible_cases is None or case.pk in visible_cases
    ]
    return MessageOut(
        id=message.pk,
        thread_id=message.thread_id,
        subject=message.thread.subject,
        sender=staff_ref(message.sender),
        recipients=[staff_ref(entry.user) for entry in message.recipients.all()],
        body=message.body,
        sent_at=message.sent_at,
        status=MessageStatus(message.status),
        status_label=message.get_status_display(),
        cases=[case_ref(case) for case in sorted(cases, key=lambda case: case.pk)],
        attachments=[_attachment_out(item) for item in message.attachments.all()],
        oversight=_oversight_out(message) if oversight else None,
    )
