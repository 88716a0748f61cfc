"""Reads of case messages, always through the access policy."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import overload

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from evenhand.accounts.models import User
from evenhand.screening.policies import OVERSIGHT, CaseAction, visible_cases

from .models import (
    Attachment,
    BreachReport,
    Message,
    MessageCase,
    MessageRecipient,
    MessageStatus,
)

READABLE_BY_RECIPIENTS = (MessageStatus.DELIVERED, MessageStatus.RELEASED)
# Lists show attachment names and sizes; the bytes (up to 10 MB each) load only on download.
_ATTACHMENT_NAMES = Prefetch("attachments", queryset=Attachment.objects.defer("content"))
# Recipients with their users in one query rather than two.
_RECIPIENTS = Prefetch("recipients", queryset=MessageRecipient.objects.select_related("user"))


def messages_visible_to(user: User) -> QuerySet[Message]:
    """Messages the user may read: their own, those delivered to them, or (oversight) all;
    never one tagged to a case the policy hides from them."""
    if not user.is_authenticated or not user.is_active:
        return Message.objects.none()
    if user.role in OVERSIGHT:
        mine = Q(pk__isnull=False)
    else:
        received = Exists(Message.objects.filter(pk=OuterRef("pk"), recipients__user=user)) & Q(
            status__in=READABLE_BY_RECIPIENTS
        )
        mine = Q(sender=user) | received
    visible = visible_cases(user, CaseAction.VIEW)
    hidden_case = MessageCase.objects.filter(message=OuterRef("pk")).exclude(case__in=visible)
    # A held message names walled cases without being tagged to them: hidden alike from its
    # readers (its sender wrote the words and may see what became of them).
    hidden_named = BreachReport.named_cases.through.objects.filter(
        breachreport__message=OuterRef("pk")
    ).exclude(case__in=visible)
    return (
        Message.objects.filter(mine)
        .exclude(Exists(hidden_case))
        .exclude(Q(Exists(hidden_named)) & ~Q(sender=user))
    )


@dataclass(frozen=True)
class MessageFilters:
    query: str = ""
    case_id: int | None = None
    sender_id: int | None = None
    status: MessageStatus | None = None
    sent_from: dt.date | None = None
    sent_to: dt.date | None = None


def message_search(*, user: User, filters: MessageFilters) -> QuerySet[Message]:
    messages = messages_visible_to(user)
    for word in filters.query.split()[:8]:
        messages = messages.filter(Q(body__icontains=word) | Q(thread__subject__icontains=word))
    if filters.case_id is not None:
        messages = messages.filter(
            Exists(MessageCase.objects.filter(message=OuterRef("pk"), case_id=filters.case_id))
        )
    if filters.sender_id is not None:
        messages = messages.filter(sender_id=filters.sender_id)
    if filters.status is not None:
        messages = messages.filter(status=filters.status)
    if filters.sent_from is not None:
        messages = messages.filter(sent_at__date__gte=filters.sent_from)
    if filters.sent_to is not None:
        messages = messages.filter(sent_at__date__lte=filters.sent_to)
    return (
        messages.select_related("sender", "thread", "breach")
        .prefetch_related("recipients__user", "cases", _ATTACHMENT_NAMES)
        .order_by("-sent_at", "-id")
    )


def inbox(*, user: User) -> QuerySet[Message]:
    return message_search(user=user, filters=MessageFilters()).filter(recipients__user=user)


class _MessagesById(Sequence[Message]):
    """Messages by a list of ids, in its order; each slice is read in one small query."""

    def __init__(self, ids: list[int]) -> None:
        self.ids = ids

    def __len__(self) -> int:
        return len(self.ids)

    @overload
    def __getitem__(self, index: int) -> Message: ...
    @overload
    def __getitem__(self, index: slice) -> list[Message]: ...
    def __getitem__(self, index: int | slice) -> Message | list[Message]:
        if isinstance(index, int):
            return self[index : index + 1 or None][0]
        ids = self.ids[index]
        by_id = {
            message.pk: message
            for message in Message.objects.filter(pk__in=ids)
            .select_related("sender", "thread", "breach")
            .prefetch_related(_RECIPIENTS, "cases", _ATTACHMENT_NAMES)
        }
        return [by_id[pk] for pk in ids]


def inbox_page(*, user: User, number: str | None, per_page: int) -> Page[Message]:
    """One page of the inbox, newest first.

    The visibility rules make a large query that costs more to build in Python than to run,
    so it is built and run once, for the ids of the whole inbox (one integer per message:
    their number is the count, so paging needs no second query of that size); the page's
    messages are then read by id in a small query."""
    ids = list(inbox(user=user).values_list("pk", flat=True))
    return Paginator(_MessagesById(ids), per_page).get_page(number)


def thread_messages(*, user: User, thread_id: int) -> list[Message]:
    return list(
        messages_visible_to(user)
        .filter(thread_id=thread_id)
        .select_related("sender", "breach")
        .prefetch_related("recipients__user", "cases", _ATTACHMENT_NAMES)
        .order_by("sent_at", "id")
    )


def attachment_for(*, user: User, attachment_id: int) -> Attachment | None:
    return (
        Attachment.objects.filter(pk=attachment_id, message__in=messages_visible_to(user))
        .select_related("message")
        .first()
    )


def held_messages(*, user: User) -> QuerySet[Message]:
    """For oversight: every held message and its breach report."""
    if user.role not in OVERSIGHT:
        return Message.objects.none()
    return message_search(user=user, filters=MessageFilters(status=MessageStatus.HELD))
