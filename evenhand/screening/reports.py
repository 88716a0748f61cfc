"""Oversight reports: who could open a case at a moment or over a period, who did, and who
was refused. Computed from the same policy that decides access, evaluated at past moments."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from evenhand.accounts.models import User
from evenhand.audit.models import AuditAction, AuditEntry
from evenhand.cases.models import Case, CaseAssignment

from .models import Screen
from .policies import CaseAction, may


@dataclass(frozen=True)
class AccessRow:
    user: User
    could_open: bool
    reads: int
    refusals: int


def _change_points(case: Case, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    """Moments in the period at which anyone's access to the case could have changed."""
    points = {start}
    screens = Screen.objects.filter(cases__case=case)
    for screen in screens:
        points.update(t for t in (screen.starts_at, screen.ends_at, screen.lifted_at) if t)
    for assignment in CaseAssignment.objects.filter(case=case):
        points.update(t for t in (assignment.assigned_at, assignment.ended_at) if t)
    return sorted(t for t in points if start <= t <= end)


def access_report(
    *, case: Case, start: dt.datetime, end: dt.datetime | None = None
) -> list[AccessRow]:
    """Every account that could open the case at `start` (or at any moment up to `end`), with
    how often each read it and was refused in that time."""
    end = end or start
    moments = _change_points(case, start, end)
    entries = AuditEntry.objects.filter(
        case_id=case.pk, occurred_at__gte=start, occurred_at__lte=end
    )
    counts: dict[int | None, tuple[int, int]] = {
        row["actor_id"]: (row["reads"], row["refusals"])
        for row in entries.values("actor_id").annotate(
            reads=Count("pk", filter=Q(action=AuditAction.CASE_VIEWED)),
            refusals=Count("pk", filter=Q(action=AuditAction.CASE_ACCESS_REFUSED)),
        )
    }
    rows: list[AccessRow] = []
    for user in User.objects.filter(date_joined__lte=end).order_by("last_name", "username"):
        could = any(may(user, case, CaseAction.VIEW, at=moment) for moment in moments)
        reads, refusals = counts.get(user.pk, (0, 0))
        if could or reads or refusals:
            rows.append(AccessRow(user=user, could_open=could, reads=reads, refusals=refusals))
    return rows


def refused_attempts(
    *, case_id: int | None = None, user_id: int | None = None
) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.filter(action=AuditAction.CASE_ACCESS_REFUSED)
    if case_id is not None:
        entries = entries.filter(case_id=case_id)
    if user_id is not None:
        entries = entries.filter(actor_id=user_id)
    return entries.select_related("actor").order_by("-seq")


def refusals_by(field: str) -> list[dict[str, object]]:
    """Counts of refused attempts grouped by 'actor' or 'case'."""
    column = {"actor": "actor_label", "case": "case_id"}[field]
    return list(
        AuditEntry.objects.filter(action=AuditAction.CASE_ACCESS_REFUSED)
        .values(column)
        .annotate(attempts=Count("pk"))
        .order_by("-attempts", column)
    )
