"""Sending and reviewing case messages. Every outcome is a kept, audited record."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from evenhand.accounts.models import Role, User
from evenhand.audit.models import AuditAction, AuditOutcome
from evenhand.audit.services import audit_record
from evenhand.cases.models import Case
from evenhand.screening.policies import CaseAction, CaseNotFoundError, access_case

from .models import (
    Attachment,
    BreachReport,
    Message,
    MessageCase,
    MessageRecipient,
    MessageStatus,
    Thread,
)
from .screening import Verdict, judge_message
from .selectors import messages_visible_to

MAX_BODY = 100_000
MAX_RECIPIENTS = 50
MAX_ATTACHMENTS = 10
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
NOT_DELIVERED = (
    "Not delivered: the message is tagged to a case that you or a recipient may not discuss, "
    "or that does not exist. The attempt has been recorded."
)


class MessageRefusedError(PermissionDenied):
    """The message was kept as a record but not delivered."""


@dataclass(frozen=True)
class NewAttachment:
    filename: str
    content_type: str
    content: bytes


def _validate(
    *,
    sender: User,
    recipients: Sequence[User],
    subject: str,
    body: str,
    attachments: Sequence[NewAttachment],
) -> None:
    if not recipients:
        raise ValidationError({"recipients": "Name at least one recipient."})
    if len(recipients) > MAX_RECIPIENTS:
        raise ValidationError({"recipients": f"At most {MAX_RECIPIENTS} recipients."})
    if any(not r.is_active for r in recipients):
        raise ValidationError({"recipients": "A recipient's account is not active."})
    if any(r.pk == sender.pk for r in recipients):
        raise ValidationError({"recipients": "You cannot send a message to yourself."})
    if not subject.strip() or len(subject) > 200:
        raise ValidationError({"subject": "A subject of 1 to 200 characters is required."})
    if not body.strip():
        raise ValidationError({"body": "The message is empty."})
    if len(body) > MAX_BODY:
        raise ValidationError({"body": f"Messages are limited to {MAX_BODY} characters."})
    if "\x00" in subject + body:
        raise ValidationError({"body": "The message contains a NUL character."})
    if len(attachments) > MAX_ATTACHMENTS:
        raise ValidationError({"attachments": f"At most {MAX_ATTACHMENTS} attachments."})
    for item in attachments:
        if len(item.content) > MAX_ATTACHMENT_BYTES:
            raise ValidationError({"attachments": f"{item.filename} is larger than 10 MB."})
        if not item.filename.strip() or len(item.filename) > 200:
            raise ValidationError({"attachments": "Attachment names must be 1 to 200 characters."})


def _attachment_text(item: NewAttachment) -> str:
    """What of an attachment the screen reads: its name, and its text when it is text."""
    media_type, _, params = item.content_type.partition(";")
    if not media_type.strip().lower().startswith("text/"):
        return item.filename
    charset = "utf-8"
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip('"')
    try:
        text = item.content[:MAX_BODY].decode(charset, errors="replace")
    except LookupError:  # an unknown charset name: read it as UTF-8 rather than not at all
        text = item.content[:MAX_BODY].decode("utf-8", errors="replace")
    return f"{item.filename}\n{text}"


def message_send(
    *,
    actor: User,
    recipients: Sequence[User],
    subject: str,
    body: str,
    case_ids: Sequence[int] = (),
    thread_id: int | None = None,
    attachments: Sequence[NewAttachment] = (),
) -> Message:
    """Deliver, hold or refuse. A refusal raises `MessageRefusedError` after the record is kept."""
    recipients = list(dict.fromkeys(recipients))
    _validate(
        sender=actor, recipients=recipients, subject=subject, body=body, attachments=attachments
    )
    cases: list[Case] = []
    sender_refused = False
    for case_id in dict.fromkeys(case_ids):
        try:
            cases.append(access_case(actor, case_id, CaseAction.VIEW, log_read=False))
        except CaseNotFoundError:
            sender_refused = True
    # A reply is read together with its thread's subject, which every reader sees with it.
    thread_subject = _thread_for(actor=actor, thread_id=thread_id).subject if thread_id else ""
    text = "\n".join([thread_subject, subject, body, *(_attachment_text(a) for a in attachments)])
    verdict = judge_message(sender=actor, recipients=recipients, cases=cases, text=text)
    with transaction.atomic():
        thread = _thread(actor=actor, thread_id=thread_id, subject=subject)
        now = timezone.now()
        if sender_refused or verdict.refused:
            status = MessageStatus.REFUSED
            note = verdict.refused_because or "sender may not discuss a tagged case"
        elif verdict.held:
            status = MessageStatus.HELD
            note = "; ".join(
                f"screen #{b.screen.pk} walls off {b.screened_user.username}: "
                f"{', '.join(b.matched_terms)}"
                for b in verdict.breaches
            )
        else:
            status, note = MessageStatus.DELIVERED, ""
        message = Message.objects.create(
            thread=thread, sender=actor, body=body, sent_at=now, status=status, screening_note=note
        )
        MessageRecipient.objects.bulk_create(
            [MessageRecipient(message=message, user=user) for user in recipients]
        )
        MessageCase.objects.bulk_create([MessageCase(message=message, case=case) for case in cases])
        Attachment.objects.bulk_create(
            [
                Attachment(
                    message=message,
                    filename=item.filename.strip(),
                    content_type=item.content_type[:100] or "application/octet-stream",
                    size=len(item.content),
                    content=item.content,
                    sha256=hashlib.sha256(item.content).hexdigest(),
                )
                for item in attachments
            ]
        )
        if status == MessageStatus.HELD:
            first = verdict.breaches[0]
            report = BreachReport.objects.create(
                message=message,
                screen=first.screen,
                screened_user=first.screened_user,
                matched_terms=sorted({t for b in verdict.breaches for t in b.matched_terms}),
                reported_at=now,
            )
            report.named_cases.set(
                list(dict.fromkeys(c for b in verdict.breaches for c in b.case_ids))
            )
        action = {
            MessageStatus.DELIVERED: AuditAction.MESSAGE_DELIVERED,
            MessageStatus.REFUSED: AuditAction.MESSAGE_REFUSED,
            MessageStatus.HELD: AuditAction.MESSAGE_HELD,
        }[status]
        named_cases = list(
            dict.fromkeys(case_id for breach in verdict.breaches for case_id in breach.case_ids)
        )
        primary_case = cases[0].pk if cases else (named_cases[0] if named_cases else None)
        audit_record(
            actor=actor,
            action=action,
            outcome=AuditOutcome.SUCCESS
            if status == MessageStatus.DELIVERED
            else AuditOutcome.REFUSED,
            subject_type="message",
            subject_id=message.pk,
            case_id=primary_case,
            after={
                "thread": thread.pk,
                "recipients": [r.username for r in recipients],
                "cases": [c.pk for c in cases],
                "attachments": [a.filename for a in attachments],
                "note": _case_note(verdict, primary_case) if status == MessageStatus.HELD else note,
            },
        )
        # A held message names walled cases; each one's trail records the attempt, with only
        # what the message said of that case (another case's trail may have other readers).
        for case_id in named_cases:
            if case_id == primary_case:
                continue
            audit_record(
                actor=actor,
                action=AuditAction.MESSAGE_HELD,
                outcome=AuditOutcome.REFUSED,
                subject_type="message",
                subject_id=message.pk,
                case_id=case_id,
                after={"thread": thread.pk, "note": _case_note(verdict, case_id)},
            )
    if status == MessageStatus.REFUSED:
        raise MessageRefusedError(NOT_DELIVERED)
    return message


def _case_note(verdict: Verdict, case_id: int | None) -> str:
    """Why a message was held, as far as one case's trail may say: only that case's terms."""
    parts = [
        f"screen #{b.screen.pk} walls off {b.screened_user.username}: "
        f"{', '.join(b.terms_by_case[case_id])}"
        for b in verdict.breaches
        if case_id in b.terms_by_case
    ]
    return "; ".join(parts) or "held: names a case walled off from someone in the conversation"


def _thread_for(*, actor: User, thread_id: int) -> Thread:
    thread = Thread.objects.filter(pk=thread_id).first()
    in_thread = thread is not None and (
        thread.created_by_id == actor.pk
        or Message.objects.filter(thread=thread, recipients__user=actor).exists()
        or Message.objects.filter(thread=thread, sender=actor).exists()
    )
    if thread is None or not in_thread:
        raise ValidationError({"thread": "No such conversation of yours."})
    return thread


def _thread(*, actor: User, thread_id: int | None, subject: str) -> Thread:
    if thread_id is None:
        return Thread.objects.create(
            subject=subject.strip()[:200], created_by=actor, created_at=timezone.now()
        )
    return _thread_for(actor=actor, thread_id=thread_id)


def held_message_review(*, actor: User, message_id: int, release: bool, note: str) -> Message:
    """The ethics officer reviews a held message: release it as a false alarm, or keep it held."""
    if actor.role != Role.ETHICS_OFFICER:
        raise PermissionDenied("Only the ethics officer reviews held messages.")
    if not note.strip():
        raise ValidationError({"note": "Record the reason for the decision."})
    with transaction.atomic():
        # Reviewed only if the reviewer may read it (not, say, a message about a case that
        # screens the reviewer off).
        message = (
            messages_visible_to(actor)
            .select_for_update()
            .filter(pk=message_id, status=MessageStatus.HELD)
            .first()
        )
        if message is None:
            raise ValidationError({"message": "No such held message."})
        if message.reviewed_at is not None:
            raise ValidationError({"message": "This message has already been reviewed."})
        message.reviewed_by = actor
        message.reviewed_at = timezone.now()
        message.review_note = note.strip()
        if release:
            message.status = MessageStatus.RELEASED
        message.save(update_fields=["reviewed_by", "reviewed_at", "review_note", "status"])
        audit_record(
            actor=actor,
            action=AuditAction.MESSAGE_REVIEWED,
            subject_type="message",
            subject_id=message.pk,
            after={"released": release, "note": message.review_note},
        )
        return message


@transaction.atomic
def thread_read_record(*, actor: User, thread_id: int, case_id: int | None) -> None:
    """Reading a conversation is reading case content: logged."""
    audit_record(
        actor=actor,
        action=AuditAction.MESSAGE_READ,
        subject_type="thread",
        subject_id=thread_id,
        case_id=case_id,
    )


@transaction.atomic
def messages_export_record(*, actor: User, export_format: str, count: int, query: str) -> None:
    audit_record(
        actor=actor,
        action=AuditAction.MESSAGES_EXPORTED,
        subject_type="messages",
        after={"format": export_format, "count": count, "query": query},
    )
