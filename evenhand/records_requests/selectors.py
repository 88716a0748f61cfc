"""Reads for public-records requests: deadlines with their computation, the officer's lists,
the requester's tracking view and the public library."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from evenhand.accounts.models import User
from evenhand.sealing.selectors import sealed_case_ids

from .deadlines import RequestDeadlines, request_deadlines
from .models import (
    OPEN_STATUSES,
    RecordDecision,
    RecordsRequest,
    Redaction,
    RedactionDecision,
    ReviewedRecord,
)
from .policies import may_read_requests
from .rules import business_calendar, public_records_rules

DUE_SOON_BUSINESS_DAYS = 2


def deadlines_of(request: RecordsRequest) -> RequestDeadlines:
    """How each of the request's dates was computed (recomputed from the same calendar)."""
    rules = public_records_rules()
    return request_deadlines(
        business_calendar(),
        received_on=request.received_on,
        business_days=rules.requester_class(request.requester_class).business_days,
        extension_days=rules.extension_business_days if request.extended_due_on else None,
        agreed_due_on=request.agreed_due_on,
    )


def requests_for(user: User) -> QuerySet[RecordsRequest]:
    if not may_read_requests(user):
        return RecordsRequest.objects.none()
    return RecordsRequest.objects.all()


def open_requests(user: User) -> list[RecordsRequest]:
    return list(requests_for(user).filter(status__in=OPEN_STATUSES))


@dataclass(frozen=True)
class DeskLists:
    overdue: list[RecordsRequest]
    due_soon: list[RecordsRequest]
    other_open: list[RecordsRequest]


def desk_lists(*, user: User, today: dt.date) -> DeskLists:
    """Open requests split into overdue, due within two business days, and the rest."""
    calendar = business_calendar()
    horizon = calendar.add_business_days(today, DUE_SOON_BUSINESS_DAYS).due
    overdue, soon, rest = [], [], []
    for request in sorted(open_requests(user), key=lambda r: (r.due_on, r.pk)):
        if request.is_overdue(today):
            overdue.append(request)
        elif request.due_on <= horizon:
            soon.append(request)
        else:
            rest.append(request)
    return DeskLists(overdue=overdue, due_soon=soon, other_open=rest)


def request_detail(*, user: User, request_id: int) -> RecordsRequest | None:
    return (
        requests_for(user)
        .filter(pk=request_id)
        .prefetch_related(
            Prefetch("records", queryset=ReviewedRecord.objects.prefetch_related("redactions")),
            "withheld_cases",
            "appeals",
        )
        .first()
    )


def request_by_token(token: str) -> RecordsRequest | None:
    """The request a tracking link names; tokens are long and random, so a miss is a miss."""
    if not 20 <= len(token) <= 64:
        return None
    return RecordsRequest.objects.filter(tracking_token=token).first()


def accepted_redactions(record: ReviewedRecord) -> list[Redaction]:
    return [r for r in record.redactions.all() if r.decision == RedactionDecision.ACCEPTED]


def released_records(request: RecordsRequest) -> list[ReviewedRecord]:
    return list(
        request.records.filter(decision=RecordDecision.RESPONSIVE).prefetch_related("redactions")
    )


def library(*, query: str = "") -> QuerySet[RecordsRequest]:
    """Published releases, never one with a record of a case sealed now."""
    published = RecordsRequest.objects.filter(published_at__isnull=False).exclude(
        records__decision=RecordDecision.RESPONSIVE, records__case_id__in=sealed_case_ids()
    )
    if query.strip():
        published = published.filter(description__icontains=query.strip()[:200])
    return published.order_by("-published_at")


def library_entry(request_id: int) -> RecordsRequest | None:
    return library().filter(pk=request_id).first()
