"""Read-only reports for the inspector general, the auditors and the ethics officer.

Everyone else gets 403. A case named in a filter is fetched through `access_case`, so the read
is logged and a screen that names the reader still applies; office-wide listings leave out
entries about cases the reader may not see.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from evenhand.accounts.models import User
from evenhand.audit.models import AuditEntry
from evenhand.audit.services import audit_log_read_record
from evenhand.screening.policies import CaseAction, access_case
from evenhand.screening.reports import access_report, refusals_by, refused_attempts
from evenhand.screening.selectors import audit_entries_readable

from .errors import CASE_READ_ERRORS, READ_ERRORS, ErrorOut
from .fields import DbId, RecordDatetime, Storable
from .schemas import AuditEntryOut, PageOut, PageQuery, StaffRefOut, audit_entry_out, staff_ref
from .schemas_common import CaseRefOut, case_ref, oversight_caller, user_named

router = Router(tags=["oversight"])

OVERSIGHT_READ_ERRORS = {**READ_ERRORS, 403: ErrorOut}
OVERSIGHT_CASE_ERRORS = {**CASE_READ_ERRORS, 403: ErrorOut}
Username = Annotated[str, Field(max_length=150), Storable]


class OversightEntryOut(AuditEntryOut):
    case_id: int | None = Field(description="The case the entry is about, if any.")


class OversightEntriesOut(PageOut):
    items: list[OversightEntryOut]


class AuditQuery(PageQuery):
    case_id: DbId | None = None
    actor: Username = Field("", description="The username recorded on the entry.")
    action: Annotated[str, Field(max_length=64), Storable] = Field(
        "", description="An action code such as case.viewed."
    )
    from_: RecordDatetime | None = Field(None, alias="from", description="At or after.")
    to: RecordDatetime | None = Field(None, description="At or before.")


class AccessReportQuery(Schema):
    case_id: DbId
    at: RecordDatetime | None = Field(None, description="The moment to report on; now if omitted.")
    until: RecordDatetime | None = Field(
        None, description="Report on the whole period from `at` to this moment."
    )


class AccessRowOut(Schema):
    user: StaffRefOut
    role: str
    role_label: str
    could_open: bool = Field(description="Whether the policy let them open the case.")
    reads: int
    refusals: int


class AccessReportOut(Schema):
    case: CaseRefOut
    at: dt.datetime
    until: dt.datetime
    rows: list[AccessRowOut]


class RefusalsQuery(PageQuery):
    case_id: DbId | None = None
    username: Username = Field("", description="Only this account's refused attempts.")


class RefusalSummaryQuery(Schema):
    by: Literal["actor", "case"] = "actor"


class RefusalCountOut(Schema):
    actor: str | None = Field(description="The username (when grouped by actor).")
    case_id: int | None = Field(description="The case (when grouped by case); null if none.")
    attempts: int


class RefusalSummaryOut(Schema):
    by: Literal["actor", "case"]
    items: list[RefusalCountOut]


def _entry_out(entry: AuditEntry) -> OversightEntryOut:
    return OversightEntryOut(**audit_entry_out(entry).model_dump(), case_id=entry.case_id)


def _readable(user: User, entries: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
    """Entries about no case, or about a case the reader may see."""
    return entries & audit_entries_readable(user=user)


def _page(entries: QuerySet[AuditEntry], paging: PageQuery) -> OversightEntriesOut:
    page = entries[paging.offset : paging.offset + paging.page_size]
    return OversightEntriesOut(
        items=[_entry_out(entry) for entry in page],
        total=entries.count(),
        page=paging.page,
        page_size=paging.page_size,
    )


@router.get("/audit", response={200: OversightEntriesOut, **OVERSIGHT_CASE_ERRORS})
def audit_log(request: HttpRequest, filters: Query[AuditQuery]) -> OversightEntriesOut:
    """The audit log, newest first. With `case_id`, the case is opened like any read (logged,
    404 if it does not exist or a screen names you)."""
    user = oversight_caller(request)
    entries = AuditEntry.objects.order_by("-seq")
    if filters.case_id is not None:
        case = access_case(user, filters.case_id, CaseAction.VIEW)
        entries = entries.filter(case_id=case.pk)
    else:
        entries = _readable(user, entries)
    if filters.actor.strip():
        entries = entries.filter(actor_label=filters.actor.strip())
    if filters.action.strip():
        entries = entries.filter(action=filters.action.strip())
    if filters.from_ is not None:
        entries = entries.filter(occurred_at__gte=filters.from_)
    if filters.to is not None:
        entries = entries.filter(occurred_at__lte=filters.to)
    page = _page(entries, filters)  # read before the read itself is logged
    audit_log_read_record(actor=user, filters=filters.model_dump(mode="json"))
    return page


@router.get("/access-report", response={200: AccessReportOut, **OVERSIGHT_CASE_ERRORS})
def get_access_report(request: HttpRequest, query: Query[AccessReportQuery]) -> AccessReportOut:
    """Every account that could open the case at a moment (or at any time in a period), with
    how often each read it and was refused then."""
    user = oversight_caller(request)
    start = query.at or timezone.now()
    end = query.until or start
    if end < start:
        raise ValidationError({"until": "The end of the period must not precede `at`."})
    case = access_case(user, query.case_id, CaseAction.VIEW)
    rows = access_report(case=case, start=start, end=end)
    return AccessReportOut(
        case=case_ref(case),
        at=start,
        until=end,
        rows=[
            AccessRowOut(
                user=staff_ref(row.user),
                role=row.user.role,
                role_label=row.user.role_label,
                could_open=row.could_open,
                reads=row.reads,
                refusals=row.refusals,
            )
            for row in rows
        ],
    )


@router.get("/refusals", response={200: OversightEntriesOut, **OVERSIGHT_READ_ERRORS})
def list_refusals(request: HttpRequest, filters: Query[RefusalsQuery]) -> OversightEntriesOut:
    """Refused attempts to reach a case, newest first (including ids of cases that do not
    exist). `username` must name an account."""
    user = oversight_caller(request)
    actor = user_named(filters.username, field="username") if filters.username.strip() else None
    entries = refused_attempts(case_id=filters.case_id, user_id=actor.pk if actor else None)
    return _page(_readable(user, entries), filters)


@router.get("/refusals/summary", response={200: RefusalSummaryOut, **OVERSIGHT_READ_ERRORS})
def refusal_summary(request: HttpRequest, query: Query[RefusalSummaryQuery]) -> RefusalSummaryOut:
    """Counts of refused attempts by account or by case, most first."""
    oversight_caller(request)
    rows = refusals_by(query.by)
    return RefusalSummaryOut(
        by=query.by,
        items=[
            RefusalCountOut(
                actor=str(row["actor_label"]) if query.by == "actor" else None,
                case_id=_optional_int(row.get("case_id")) if query.by == "case" else None,
                attempts=_optional_int(row["attempts"]) or 0,
            )
            for row in rows
        ],
    )


def _optional_int(value: object) -> int | None:
    return value if isinstance(value, int) else None
