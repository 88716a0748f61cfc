"""Screens (ethical walls) and potential-conflict flags.

Reads go through `evenhand.screening.selectors` (which decide who sees which screen or flag,
and list a screen's cases only to those who may see them); writes through
`evenhand.screening.services`, which check the caller's role and write the audit entries.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status
from ninja.errors import HttpError

from evenhand.accounts.models import User
from evenhand.screening import selectors, services
from evenhand.screening.models import Screen
from evenhand.screening.policies import CaseNotFoundError

from .auth import current_user
from .errors import CASE_WRITE_ERRORS, READ_ERRORS, WRITE_ERRORS, ErrorOut
from .fields import DbId
from .schemas_common import is_oversight, user_named, users_named
from .schemas_screening import (
    ConflictCheckOut,
    ConflictListOut,
    ConflictListQuery,
    ConflictResolveIn,
    ResolutionOut,
    ScreenIn,
    ScreenLiftIn,
    ScreenListOut,
    ScreenListQuery,
    ScreenOut,
    flags_out,
    screen_out,
)

router = Router(tags=["screens and conflicts"])

SCREEN_NOT_FOUND = "Screen not found."
FLAG_NOT_FOUND = "Conflict flag not found."
# One message whether the case does not exist or is hidden from the caller.
UNKNOWN_CASE = "Unknown case."


def _screens(user: User) -> QuerySet[Screen]:
    # The total number of cases per screen decides whether its terms may be shown.
    return selectors.screen_list(user=user).annotate(case_total=Count("cases", distinct=True))


def _screen_for(user: User, screen_id: int) -> Screen:
    screen = _screens(user).filter(pk=screen_id).first()
    if screen is None:
        raise HttpError(404, SCREEN_NOT_FOUND)
    return screen


@router.get("/screens", response={200: ScreenListOut, **READ_ERRORS})
def list_screens(request: HttpRequest, filters: Query[ScreenListQuery]) -> ScreenListOut:
    """Every screen for the ethics officer, the office's leadership and oversight; for anyone
    else, the screens that name them. Newest first."""
    user = current_user(request)
    screens = _screens(user)
    if filters.current:
        screens = screens.filter(lifted_at__isnull=True).filter(
            Q(ends_at__isnull=True) | Q(ends_at__gt=timezone.now())
        )
    page = screens[filters.offset : filters.offset + filters.page_size]
    return ScreenListOut(
        items=[screen_out(screen, reader=user) for screen in page],
        total=screens.count(),
        page=filters.page,
        page_size=filters.page_size,
    )


@router.get("/screens/{screen_id}", response={200: ScreenOut, 404: ErrorOut, **READ_ERRORS})
def get_screen(request: HttpRequest, screen_id: DbId) -> ScreenOut:
    user = current_user(request)
    return screen_out(_screen_for(user, screen_id), reader=user)


@router.post("/screens", response={201: ScreenOut, **WRITE_ERRORS})
def raise_screen(request: HttpRequest, payload: ScreenIn) -> Status[ScreenOut]:
    """Raise a screen. It applies from the caller's next request on. Anyone may screen
    themselves off a case (exclusionary); other screens are for the ethics officer and the
    office's leadership. Screening the head of office off a case hands it to the court."""
    actor = current_user(request)
    users = users_named(payload.usernames, field="usernames")
    try:
        screen = services.screen_raise(
            actor=actor,
            kind=payload.kind,
            users=users,
            case_ids=payload.case_ids,
            reason=payload.reason,
            memo=payload.memo,
            starts_at=payload.starts_at,
            ends_at=payload.ends_at,
            screened_terms=payload.screened_terms,
        )
    except CaseNotFoundError as exc:
        # The refusal is logged by the policy; the answer does not say which kind it was.
        raise ValidationError({"case_ids": UNKNOWN_CASE}) from exc
    return Status(201, screen_out(_screen_for(actor, screen.pk), reader=actor))


@router.post("/screens/{screen_id}/lift", response={200: ScreenOut, 404: ErrorOut, **WRITE_ERRORS})
def lift_screen(request: HttpRequest, screen_id: DbId, payload: ScreenLiftIn) -> ScreenOut:
    """End a screen now. A screened person cannot lift their own screen."""
    actor = current_user(request)
    _screen_for(actor, screen_id)
    services.screen_lift(actor=actor, screen_id=screen_id, reason=payload.reason)
    return screen_out(_screen_for(actor, screen_id), reader=actor)


@router.post(
    "/screens/{screen_id}/acknowledge",
    response={200: ScreenOut, 404: ErrorOut, **WRITE_ERRORS},
)
def acknowledge_screen(request: HttpRequest, screen_id: DbId) -> ScreenOut:
    """Confirm that you have read the memo of a screen that names you."""
    actor = current_user(request)
    _screen_for(actor, screen_id)
    services.screen_acknowledge(actor=actor, screen_id=screen_id)
    return screen_out(_screen_for(actor, screen_id), reader=actor)


@router.get("/conflicts", response={200: ConflictListOut, **READ_ERRORS})
def list_conflicts(request: HttpRequest, filters: Query[ConflictListQuery]) -> ConflictListOut:
    """Your potential-conflict flags, open ones first; oversight sees everyone's."""
    user = current_user(request)
    flags = selectors.flag_list(user=user, open_only=filters.open_only)
    page = flags[filters.offset : filters.offset + filters.page_size]
    return ConflictListOut(
        items=flags_out(user, page),
        total=flags.count(),
        page=filters.page,
        page_size=filters.page_size,
    )


@router.post(
    "/conflicts/{flag_id}/resolve",
    response={200: ResolutionOut, 404: ErrorOut, **WRITE_ERRORS},
)
def resolve_conflict(
    request: HttpRequest, flag_id: DbId, payload: ConflictResolveIn
) -> ResolutionOut:
    """Decide your own flag: recuse (you are screened off the case from your next request),
    or record why there is no conflict. 404 when the flag is not one you may see, or when
    recusing from a case you cannot see."""
    actor = current_user(request)
    if not selectors.flag_list(user=actor).filter(pk=flag_id).exists():
        raise HttpError(404, FLAG_NOT_FOUND)
    delegate = (
        user_named(payload.acting_delegate_username, field="acting_delegate_username")
        if payload.acting_delegate_username is not None
        else None
    )
    resolution = services.conflict_resolve(
        actor=actor,
        flag_id=flag_id,
        recuse=payload.recuse,
        note=payload.note,
        acting_delegate=delegate,
    )
    return ResolutionOut(
        flag=flags_out(actor, [resolution.flag])[0],
        delegation_refused=resolution.delegation_refused,
    )


@router.post(
    "/cases/{case_id}/conflict-check", response={200: ConflictCheckOut, **CASE_WRITE_ERRORS}
)
def run_conflict_check(request: HttpRequest, case_id: DbId) -> ConflictCheckOut:
    """Run the conflict check on a case by hand (it also runs on every participant change,
    relationship and logged contact)."""
    actor = current_user(request)
    flags = services.conflict_check_run(actor=actor, case_id=case_id)
    mine = [flag for flag in flags if is_oversight(actor) or flag.staff_id == actor.pk]
    return ConflictCheckOut(case_id=case_id, new_flags=len(flags), flags=flags_out(actor, mine))
