"""Reads of screens and conflict flags, with who may see what."""

from __future__ import annotations

from django.db.models import CharField, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Cast

from evenhand.accounts.models import User
from evenhand.audit.models import AuditEntry
from evenhand.cases.models import Case, Participant

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
