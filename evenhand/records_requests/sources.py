"""The original text of a record found for a request, fetched through the access policy.

Whatever the search returned, a record is loaded again here before the officer works on it:
its case (or, for a message, every case it is tagged to or names) must be visible to the
officer under `visible_cases`. A record that fails is reported exactly like a missing one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from pypdf.errors import PdfReadError

from evenhand.accounts.models import User
from evenhand.cases.models import CaseEvent, Charge, Participant
from evenhand.comms.models import Attachment, BreachReport, Message, MessageCase
from evenhand.redaction.apply import pdf_page_texts
from evenhand.redaction.detect import KnownPerson
from evenhand.screening.policies import CaseAction, visible_cases


class RecordKind:
    CASE = "case"
    EVENT = "event"
    CHARGE = "charge"
    MESSAGE = "message"
    HELD_MESSAGE = "held_message"
    ATTACHMENT = "attachment"


TEXT_TYPES = ("text/",)
PDF_TYPE = "application/pdf"


class RecordNotFoundError(LookupError):
    """No such record, or not one the officer may read: the same answer for both."""

    def __init__(self) -> None:
        super().__init__("Record not found.")


@dataclass(frozen=True)
class SourceRecord:
    kind: str
    object_id: str
    title: str
    record_date: dt.date | None
    text: str
    case_ids: tuple[int, ...]
    case_numbers: tuple[str, ...]
    known_people: tuple[KnownPerson, ...]


def _known_people(case_ids: tuple[int, ...]) -> tuple[KnownPerson, ...]:
    rows = Participant.objects.filter(case_id__in=case_ids).select_related("person")
    return tuple(
        KnownPerson(
            full_name=p.person.full_name,
            aliases=tuple(p.person.aliases.values_list("name", flat=True)),
        )
        for p in rows
    )


def _numbers(user: User, case_ids: tuple[int, ...]) -> tuple[str, ...]:
    found = dict(
        visible_cases(user, CaseAction.VIEW).filter(pk__in=case_ids).values_list("pk", "number")
    )
    return tuple(found[i] for i in case_ids if i in found)


def _readable_message(user: User, pk: int) -> Message:
    visible = visible_cases(user, CaseAction.VIEW)
    hidden_tag = MessageCase.objects.filter(message=OuterRef("pk")).exclude(case__in=visible)
    hidden_named = BreachReport.named_cases.through.objects.filter(
        breachreport__message=OuterRef("pk")
    ).exclude(case__in=visible)
    message = (
        Message.objects.filter(pk=pk)
        .exclude(Q(Exists(hidden_tag)) | Q(Exists(hidden_named)))
        .select_related("sender", "thread")
        .prefetch_related("recipients__user")
        .first()
    )
    if message is None:
        raise RecordNotFoundError
    return message


def _message_cases(message: Message) -> tuple[int, ...]:
    tagged = list(MessageCase.objects.filter(message=message).values_list("case_id", flat=True))
    named = list(
        BreachReport.named_cases.through.objects.filter(breachreport__message=message).values_list(
            "case_id", flat=True
        )
    )
    return tuple(dict.fromkeys([*tagged, *named]))


def _message(user: User, pk: int) -> SourceRecord:
    message = _readable_message(user, pk)
    case_ids = _message_cases(message)
    sent = timezone.localtime(message.sent_at)
    recipients = ", ".join(str(r.user) for r in message.recipients.all())
    text = (
        f"From: {message.sender}\nTo: {recipients}\nSent: {sent:%Y-%m-%d %H:%M}\n"
        f"Subject: {message.thread.subject}\n\n{message.body}"
    )
    return SourceRecord(
        kind=RecordKind.HELD_MESSAGE if message.status == "held" else RecordKind.MESSAGE,
        object_id=str(message.pk),
        title=f"Message: {message.thread.subject}"[:300],
        record_date=sent.date(),
        text=text,
        case_ids=case_ids,
        case_numbers=_numbers(user, case_ids),
        known_people=_known_people(case_ids),
    )


def _event(user: User, pk: int) -> SourceRecord:
    event = (
        CaseEvent.objects.filter(pk=pk, case__in=visible_cases(user, CaseAction.VIEW))
        .select_related("case")
        .first()
    )
    if event is None:
        raise RecordNotFoundError
    occurred = timezone.localtime(event.occurred_at)
    return SourceRecord(
        kind=RecordKind.EVENT,
        object_id=str(event.pk),
        title=f"{event.case.number}: {event.get_kind_display()}"[:300],
        record_date=occurred.date(),
        text=f"{event.get_kind_display()}, {occurred:%Y-%m-%d %H:%M}\n\n{event.summary}",
        case_ids=(event.case_id,),
        case_numbers=(event.case.number,),
        known_people=_known_people((event.case_id,)),
    )


def _case(user: User, pk: int) -> SourceRecord:
    case = visible_cases(user, CaseAction.VIEW).filter(pk=pk).first()
    if case is None:
        raise RecordNotFoundError
    return SourceRecord(
        kind=RecordKind.CASE,
        object_id=str(case.pk),
        title=f"{case.number}: {case.title}"[:300],
        record_date=case.received_on,
        text=f"{case.number}: {case.title}\nReceived {case.received_on:%Y-%m-%d}\n\n{case.summary}",
        case_ids=(case.pk,),
        case_numbers=(case.number,),
        known_people=_known_people((case.pk,)),
    )


def _charge(user: User, pk: int) -> SourceRecord:
    charge = (
        Charge.objects.filter(pk=pk, case__in=visible_cases(user, CaseAction.VIEW))
        .select_related("case")
        .first()
    )
    if charge is None:
        raise RecordNotFoundError
    return SourceRecord(
        kind=RecordKind.CHARGE,
        object_id=str(charge.pk),
        title=f"{charge.case.number}: count {charge.count_number}, {charge.citation}"[:300],
        record_date=charge.filed_on,
        text=(
            f"Count {charge.count_number} (version {charge.version}), filed {charge.filed_on}: "
            f"{charge.citation}, {charge.offense_title}, class {charge.offense_class}"
        ),
        case_ids=(charge.case_id,),
        case_numbers=(charge.case.number,),
        known_people=_known_people((charge.case_id,)),
    )


def _attachment(user: User, pk: int) -> SourceRecord:
    attachment = Attachment.objects.filter(pk=pk).first()
    if attachment is None:
        raise RecordNotFoundError
    message = _readable_message(user, attachment.message_id)
    content = bytes(attachment.content)
    if attachment.content_type == PDF_TYPE:
        try:
            text = "\f".join(pdf_page_texts(content))
        except (PdfReadError, ValueError):
            text = f"[{attachment.filename}: a PDF whose text could not be read]"
    elif attachment.content_type.startswith(TEXT_TYPES):
        text = content.decode("utf-8", errors="replace")
    else:
        text = f"[{attachment.filename}: {attachment.content_type}, {attachment.size} bytes]"
    case_ids = _message_cases(message)
    return SourceRecord(
        kind=RecordKind.ATTACHMENT,
        object_id=str(attachment.pk),
        title=f"Attachment: {attachment.filename}"[:300],
        record_date=timezone.localtime(message.sent_at).date(),
        text=text,
        case_ids=case_ids,
        case_numbers=_numbers(user, case_ids),
        known_people=_known_people(case_ids),
    )


_LOADERS = {
    RecordKind.CHARGE: _charge,
    RecordKind.ATTACHMENT: _attachment,
    RecordKind.MESSAGE: _message,
    RecordKind.HELD_MESSAGE: _message,
    RecordKind.EVENT: _event,
    RecordKind.CASE: _case,
}


def load_source(*, user: User, kind: str, object_id: str) -> SourceRecord:
    """The record's current original text, if the officer may read it."""
    loader = _LOADERS.get(kind)
    try:
        pk = int(object_id)
    except ValueError:
        raise RecordNotFoundError from None
    if loader is None or not 0 < pk < 2**63:
        raise RecordNotFoundError
    return loader(user, pk)
