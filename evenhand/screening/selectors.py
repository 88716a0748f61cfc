"""Reads of screens and conflict flags, with who may see what."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import CharField, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from evenhand.accounts.models import User
from evenhand.audit.models import AuditEntry
from evenhand.cases.models import Case, Participant
from evenhand.config.db import fetch_together

from .models import ConflictFlag, ConflictStatus, Screen, ScreenedCase, ScreenedPerson
from .policies import OVERSIGHT, visible_cases
from .services import SCREEN_MANAGERS


def sees_all_screens(user: User) -> bool:
    return user.role in OVERSIGHT or user.role in SCREEN_MANAGERS


def _with_people_and_cases(screens: QuerySet[Screen], user: User) -> QuerySet[Screen]:
    """Screens with their people and the cases this user may see. `discloses_text` says
    whether the free text (reason, memo, terms), which can name a case, may be shown: only to
    someone the screen names or who may see every one of its cases."""
    hidden = ScreenedCase.objects.filter(screen=OuterRef("pk")).exclude(
        case__in=visible_cases(user)
    )
    named = ScreenedPerson.objects.filter(screen=OuterRef("pk"), user=user)
    return (
        screens.annotate(discloses_text=Exists(named) | ~Exists(hidden))
        .select_related("ordered_by", "lifted_by")
        .prefetch_related(
            Prefetch("people", queryset=ScreenedPerson.objects.select_related("user")),
            # Only the cases this user may see are listed; a screen never reveals the others.
            Prefetch(
                "cases",
                queryset=ScreenedCase.objects.filter(case__in=visible_cases(user)).select_related(
                    "case"
                ),
            ),
        )
        .order_by("-starts_at", "-id")
    )


def screen_list(*, user: User) -> QuerySet[Screen]:
    screens = (
        Screen.objects.all() if sees_all_screens(user) else Screen.objects.filter(people__user=user)
    )
    return _with_people_and_cases(screens.distinct(), user)


def screen_detail(*, user: User, screen_id: int) -> Screen | None:
    return screen_list(user=user).filter(pk=screen_id).first()


def screens_on_case(*, user: User, case: Case) -> QuerySet[Screen]:
    """For the case page: the screens touching it, for those who oversee screens."""
    if not sees_all_screens(user):
        return Screen.objects.none()
    return _with_people_and_cases(Screen.objects.filter(cases__case=case).distinct(), user)


def flag_list(*, user: User, open_only: bool = False) -> QuerySet[ConflictFlag]:
    """A staff member's own flags; oversight sees every flag (cases they may read only)."""
    flags = (
        ConflictFlag.objects.filter(case__in=visible_cases(user))
        if user.role in OVERSIGHT
        else ConflictFlag.objects.filter(staff=user)
    )
    if open_only:
        flags = flags.filter(status=ConflictStatus.OPEN)
    return flags.select_related("case", "staff", "person", "resolved_by").order_by(
        "status", "-created_at"
    )


def flags_on_case(*, user: User, case: Case) -> QuerySet[ConflictFlag]:
    flags = ConflictFlag.objects.filter(case=case)
    if user.role not in OVERSIGHT:
        flags = flags.filter(Q(staff=user))
    return flags.select_related("staff", "person", "resolved_by").order_by("-created_at")


@dataclass(frozen=True, slots=True)
class FlagLine:
    """One conflict flag as the case page shows it."""

    staff: str
    basis: str
    status: str
    status_label: str
    resolution_note: str
    created_at: datetime

    @property
    def created_label(self) -> str:
        """Local time to the minute, as the page shows it."""
        return timezone.localtime(self.created_at).replace(tzinfo=None).isoformat(" ", "minutes")


_STATUS_LABELS: dict[str, str] = dict(ConflictStatus.choices)

# The case page shows the flags on every visit: plain SQL, as for the page's other lists.
_FLAG_LINES_SQL = (
    "SELECT f.basis, f.status, f.resolution_note, f.created_at, "
    "u.username, u.first_name, u.last_name FROM {flags} f "
    "JOIN {users} u ON u.id = f.staff_id WHERE f.case_id = %s{own} "
    "ORDER BY f.created_at DESC, f.id DESC"
)


def flag_lines_on_case(*, user: User, case: Case) -> list[FlagLine]:
    """`flags_on_case` for the case page, as lines: oversight sees every flag on the case,
    anyone else only their own."""
    oversees = user.role in OVERSIGHT
    sql = _FLAG_LINES_SQL.format(
        flags=connection.ops.quote_name(ConflictFlag._meta.db_table),
        users=connection.ops.quote_name(User._meta.db_table),
        own="" if oversees else " AND f.staff_id = %s",
    )
    # Read on every visit to a case, by its key: prepared (see evenhand.config.db).
    params = [case.pk] if oversees else [case.pk, user.pk]
    rows = fetch_together([(sql, params)], prepared=True)[0]
    return [
        FlagLine(
            staff=f"{first} {last}".strip() or username,
            basis=basis,
            status=status,
            status_label=_STATUS_LABELS.get(status, status),
            resolution_note=note,
            created_at=at if timezone.is_aware(at) else timezone.make_aware(at, dt.UTC),
        )
        for basis, status, note, at, username, first, last in rows
    ]


def audit_entries_readable(*, user: User) -> QuerySet[AuditEntry]:
    """The audit log as an oversight reader may browse it: entries about no case, or about a
    case they may see (a screen naming them hides that case's entries too)."""
    visible = visible_cases(user)
    # People are recorded apart from cases; an entry about someone who takes part in a hidden
    # case would name them, so it is hidden with the case.
    hidden_people = (
        Participant.objects.exclude(case__in=visible)
        .annotate(key=Cast("person_id", CharField()))
        .values("key")
    )
    return AuditEntry.objects.filter(
        Q(case_id__isnull=True) | Q(case_id__in=visible.values("pk"))
    ).exclude(subject_type="person", subject_id__in=hidden_people)
