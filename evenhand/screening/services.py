"""Writes to screens and conflict flags, each audited in its transaction.

(Appointments builds on screening, so its services are imported inside the functions that
hand a case to the court, not at module level.)

Raising a screen that walls the head of office off a case hands the case to the court: the
appointments services draft the petition and mark the case as awaiting appointment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from evenhand.accounts.models import Role, User
from evenhand.audit.models import AuditAction
from evenhand.audit.services import audit_record
from evenhand.cases.models import Case

from .conflicts import conflict_check_case
from .models import (
    ConflictFlag,
    ConflictSource,
    ConflictStatus,
    Screen,
    ScreenedCase,
    ScreenedPerson,
    ScreenKind,
    screens_in_force,
)
from .policies import CaseAction, access_case

SCREEN_MANAGERS = frozenset({Role.ETHICS_OFFICER, Role.STATES_ATTORNEY, Role.FIRST_ASSISTANT})
# A screen records when the wall actually went up; a little clock skew is tolerated.
BACKDATING_TOLERANCE = dt.timedelta(minutes=5)
MAX_TERMS = 200
MAX_TERM_LENGTH = 100


def _check_may_raise(actor: User, users: Sequence[User], kind: ScreenKind) -> bool:
    """Raise if the actor may not raise this screen; return whether it is a self-recusal."""
    self_recusal = kind == ScreenKind.EXCLUSIONARY and [u.pk for u in users] == [actor.pk]
    if actor.role not in SCREEN_MANAGERS and not self_recusal:
        raise PermissionDenied(
            "Only the ethics officer or the office's leadership may raise screens."
        )
    return self_recusal


def _cases_to_recuse_from(case_ids: Sequence[int]) -> list[Case]:
    """Anyone may wall themselves off a case, even one they cannot read (a flag can name a
    case outside one's role); nothing of the case is shown to them."""
    cases = list(Case.objects.filter(pk__in=case_ids))
    if len(cases) != len(set(case_ids)):
        raise ValidationError({"cases": "Unknown case."})
    return cases


def _clean_terms(terms: Iterable[str]) -> list[str]:
    cleaned = sorted({" ".join(term.split()) for term in terms if term.strip()})
    if len(cleaned) > MAX_TERMS:
        raise ValidationError({"screened_terms": f"At most {MAX_TERMS} screened terms."})
    if any(len(term) > MAX_TERM_LENGTH for term in cleaned):
        raise ValidationError(
            {"screened_terms": f"Each term must be at most {MAX_TERM_LENGTH} characters."}
        )
    return cleaned


def _overlapping(
    kind: ScreenKind,
    users: Sequence[User],
    cases: Sequence[Case],
    starts: dt.datetime,
    ends: dt.datetime | None,
) -> Screen | None:
    period = Q(lifted_at__isnull=True) & (Q(ends_at__isnull=True) | Q(ends_at__gt=starts))
    if ends is not None:
        period &= Q(starts_at__lt=ends)
    return (
        Screen.objects.filter(period, kind=kind)
        .filter(people__user__in=users, cases__case__in=cases)
        .order_by("pk")
        .first()
    )


def screen_raise(
    *,
    actor: User,
    kind: ScreenKind,
    users: Sequence[User],
    case_ids: Sequence[int],
    reason: str,
    memo: str,
    starts_at: dt.datetime | None = None,
    ends_at: dt.datetime | None = None,
    screened_terms: Iterable[str] = (),
) -> Screen:
    if not users:
        raise ValidationError({"users": "Name at least one person to screen."})
    if not case_ids:
        raise ValidationError({"cases": "Name at least one case."})
    if not reason.strip():
        raise ValidationError({"reason": "Record why the screen is raised."})
    self_recusal = _check_may_raise(actor, users, kind)
    now = timezone.now()
    starts = starts_at or now
    if starts < now - BACKDATING_TOLERANCE:
        raise ValidationError(
            {"starts_at": "A screen cannot be back-dated: it records when the wall went up."}
        )
    if ends_at is not None and ends_at <= starts:
        raise ValidationError({"ends_at": "The end must come after the start."})
    inactive = [u.username for u in users if not u.is_active]
    if inactive:
        raise ValidationError({"users": f"Inactive accounts cannot be screened: {inactive}"})
    cases = (
        _cases_to_recuse_from(case_ids)
        if self_recusal
        else [access_case(actor, case_id, CaseAction.VIEW, log_read=False) for case_id in case_ids]
    )
    terms = _clean_terms(screened_terms)
    with transaction.atomic():
        # A recusal may overlap an existing wall: it can only add to it, and it must outlast a
        # temporary screen already in force.
        clash = None if self_recusal else _overlapping(kind, users, cases, starts, ends_at)
        if clash is not None:
            raise ValidationError(
                f"Screen #{clash.pk} already covers one of these people on one of these cases "
                "for an overlapping period; change that screen instead."
            )
        screen = Screen(
            kind=kind,
            reason=reason.strip(),
            memo=memo.strip() or reason.strip(),
            ordered_by=actor,
            starts_at=starts,
            ends_at=ends_at,
            screened_terms=terms,
            created_at=now,
        )
        screen.full_clean()
        screen.save(force_insert=True)
        ScreenedPerson.objects.bulk_create(
            [ScreenedPerson(screen=screen, user=user) for user in dict.fromkeys(users)]
        )
        ScreenedCase.objects.bulk_create(
            [ScreenedCase(screen=screen, case=case) for case in dict.fromkeys(cases)]
        )
        for case in dict.fromkeys(cases):
            audit_record(
                actor=actor,
                action=AuditAction.SCREEN_RAISED,
                subject_type="screen",
                subject_id=screen.pk,
                case_id=case.pk,
                after={
                    "kind": kind,
                    "users": sorted(u.username for u in users),
                    "reason": screen.reason,
                    "starts_at": starts,
                    "ends_at": ends_at,
                    "terms": terms,
                },
            )
        heads = [u for u in users if u.role == Role.STATES_ATTORNEY]
        if kind == ScreenKind.EXCLUSIONARY and heads:
            from evenhand.appointments.services import head_of_office_screened  # noqa: PLC0415

            for case in dict.fromkeys(cases):
                head_of_office_screened(actor=actor, case=case, head=heads[0], reason=screen.reason)
        return screen


def screen_lift(*, actor: User, screen_id: int, reason: str) -> Screen:
    if not reason.strip():
        raise ValidationError({"reason": "Record why the screen is lifted."})
    with transaction.atomic():
        screen = Screen.objects.select_for_update().filter(pk=screen_id).first()
        if screen is None:
            raise ValidationError({"screen": "No such screen."})
        if actor.role not in SCREEN_MANAGERS or screen.people.filter(user=actor).exists():
            raise PermissionDenied("A screened person cannot lift their own screen.")
        if screen.lifted_at is not None:
            raise ValidationError("This screen has already been lifted.")
        screen.lifted_at = timezone.now()
        screen.lifted_by = actor
        screen.lift_reason = reason.strip()
        screen.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
        for case_id in screen.cases.values_list("case_id", flat=True):
            audit_record(
                actor=actor,
                action=AuditAction.SCREEN_LIFTED,
                subject_type="screen",
                subject_id=screen.pk,
                case_id=case_id,
                after={"reason": screen.lift_reason},
            )
        return screen


@transaction.atomic
def screen_acknowledge(*, actor: User, screen_id: int) -> ScreenedPerson:
    entry = (
        ScreenedPerson.objects.select_for_update().filter(screen_id=screen_id, user=actor).first()
    )
    if entry is None:
        raise ValidationError({"screen": "You are not named in that screen."})
    if entry.acknowledged_at is None:
        entry.acknowledged_at = timezone.now()
        entry.save(update_fields=["acknowledged_at"])
        audit_record(
            actor=actor,
            action=AuditAction.SCREEN_ACKNOWLEDGED,
            subject_type="screen",
            subject_id=screen_id,
        )
    return entry


def screens_for(user: User) -> list[Screen]:
    """Screens naming the user that are in force now or later, newest first."""
    now = timezone.now()
    return list(
        Screen.objects.filter(people__user=user, lifted_at__isnull=True)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .order_by("-starts_at")
        .distinct()
    )


def conflict_check_run(*, actor: User, case_id: int) -> list[ConflictFlag]:
    """Run the conflict check on a case by hand."""
    case = access_case(actor, case_id, CaseAction.VIEW, log_read=False)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.CONFLICT_CHECK_RUN,
            subject_type="case",
            subject_id=case.pk,
            case_id=case.pk,
        )
        return conflict_check_case(actor=actor, case=case, source=ConflictSource.MANUAL)


@dataclass(frozen=True)
class Resolution:
    flag: ConflictFlag
    delegation_refused: str = ""  # why a requested acting delegation was refused


def conflict_resolve(
    *,
    actor: User,
    flag_id: int,
    recuse: bool,
    note: str,
    acting_delegate: User | None = None,
) -> Resolution:
    """The flagged staff member decides: recuse (a screen is raised) or record why not.

    A head of office who recuses and names someone to act in her place is told why that
    cannot be: the refusal is logged, the petition to the court is drafted by the recusal.
    """
    if not note.strip():
        raise ValidationError({"note": "Record the reason for the decision."})
    with transaction.atomic():
        flag = (
            ConflictFlag.objects.select_for_update()
            .select_related("case")
            .filter(pk=flag_id)
            .first()
        )
        if flag is None or flag.staff_id != actor.pk:
            raise ValidationError({"flag": "No such open flag of yours."})
        if flag.status != ConflictStatus.OPEN:
            raise ValidationError({"flag": "This flag has already been resolved."})
        # Only a wall with no end already does what a recusal asks; a temporary one does not.
        already = (
            Screen.objects.filter(
                screens_in_force(),
                kind=ScreenKind.EXCLUSIONARY,
                people__user=actor,
                cases__case_id=flag.case_id,
                ends_at__isnull=True,
            )
            .order_by("pk")
            .first()
        )
        if recuse and already is not None:
            flag.screen = already  # the wall the recusal asks for is already up
        elif recuse:
            flag.screen = screen_raise(
                actor=actor,
                kind=ScreenKind.EXCLUSIONARY,
                users=[actor],
                case_ids=[flag.case_id],
                reason=f"Recusal: {note.strip()}",
                memo=(
                    f"You have recused yourself from case {flag.case.number}. Do not read, "
                    "change, decide or discuss it, with anyone, by any channel."
                ),
                screened_terms=_default_terms(flag.case),
            )
        flag.status = ConflictStatus.RECUSED if recuse else ConflictStatus.CLEARED
        flag.resolution_note = note.strip()
        flag.resolved_at = timezone.now()
        flag.resolved_by = actor
        flag.save(
            update_fields=["status", "resolution_note", "resolved_at", "resolved_by", "screen"]
        )
        audit_record(
            actor=actor,
            action=AuditAction.CONFLICT_RESOLVED,
            subject_type="conflict_flag",
            subject_id=flag.pk,
            case_id=flag.case_id,
            after={"status": flag.status, "note": flag.resolution_note},
        )
        refused = ""
        if recuse and acting_delegate is not None:
            from evenhand.appointments.services import refuse_acting_delegation  # noqa: PLC0415

            refused = refuse_acting_delegation(
                actor=actor, case=flag.case, delegate=acting_delegate
            )
        return Resolution(flag=flag, delegation_refused=refused)


def _default_terms(case: Case) -> list[str]:
    """Participants' surnames: a recused person naming them to a colleague is a breach."""
    surnames = case.participants.values_list("person__last_name", flat=True)
    return sorted({name for name in surnames if len(name) >= 3})
