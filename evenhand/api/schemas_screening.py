"""Request and response shapes of the screen and conflict endpoints.

A screen or a flag names its cases only to someone the policy lets see them: the selectors
prefetch a screen's cases already filtered by `visible_cases`, and a flag's case is checked
against the same policy. Screened terms (participants' names, as a rule) are case content too,
so they are shown only to someone who may see every case of the screen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Annotated

from django.utils import timezone
from ninja import Schema
from pydantic import Field

from evenhand.accounts.models import User
from evenhand.screening.models import (
    ConflictFlag,
    ConflictSource,
    ConflictStatus,
    Screen,
    ScreenKind,
)
from evenhand.screening.policies import CaseAction, visible_cases
from evenhand.screening.services import MAX_TERM_LENGTH, MAX_TERMS

from .fields import BodyDbId, RecordDatetime, Storable
from .schemas import MAX_TEXT_LENGTH, InputSchema, PageOut, PageQuery, StaffRefOut, staff_ref
from .schemas_common import CaseRefOut, Username, case_ref

MAX_SCREEN_PEOPLE = 50
MAX_SCREEN_CASES = 100
Reason = Annotated[str, Field(min_length=1, max_length=MAX_TEXT_LENGTH), Storable]


# --- screens --------------------------------------------------------------------------------


class ScreenListQuery(PageQuery):
    current: bool = Field(
        False, description="Only screens in force now or later (not lifted, not ended)."
    )


class ScreenPersonOut(Schema):
    user: StaffRefOut
    acknowledged_at: dt.datetime | None


class ScreenOut(Schema):
    id: int
    kind: ScreenKind
    kind_label: str
    reason: str | None = Field(
        description="Null unless the screen names you or you may see all of its cases: "
        "free text may mention a case."
    )
    memo: str | None = Field(description="What the screened people are told; null as above.")
    ordered_by: StaffRefOut
    starts_at: dt.datetime
    ends_at: dt.datetime | None
    in_force: bool = Field(description="Whether the screen applies at this moment.")
    created_at: dt.datetime
    lifted_at: dt.datetime | None
    lifted_by: StaffRefOut | None
    lift_reason: str | None = Field(description="Null as for the reason.")
    people: list[ScreenPersonOut]
    cases: list[CaseRefOut] = Field(
        description="The screened cases you may see; the others are left out."
    )
    screened_terms: list[str] | None = Field(
        description="Null unless you may see every case of the screen."
    )


class ScreenListOut(PageOut):
    items: list[ScreenOut]


def _in_force(screen: Screen, now: dt.datetime) -> bool:
    return (
        screen.starts_at <= now
        and (screen.ends_at is None or screen.ends_at > now)
        and (screen.lifted_at is None or screen.lifted_at > now)
    )


def screen_out(screen: Screen, *, reader: User) -> ScreenOut:
    """`screen` comes from `screening.selectors`: its `cases` are those the reader may see,
    and `case_total` (annotated by the endpoint) counts them all."""
    shown = list(screen.cases.all())
    people = sorted(screen.people.all(), key=lambda entry: entry.user.username)
    # Without the count, case content is withheld rather than risk showing it to an outsider.
    sees_all_cases = len(shown) == getattr(screen, "case_total", -1)
    addressed = sees_all_cases or any(entry.user_id == reader.pk for entry in people)
    return ScreenOut(
        id=screen.pk,
        kind=ScreenKind(screen.kind),
        kind_label=screen.get_kind_display(),
        reason=screen.reason if addressed else None,
        memo=screen.memo if addressed else None,
        ordered_by=staff_ref(screen.ordered_by),
        starts_at=screen.starts_at,
        ends_at=screen.ends_at,
        in_force=_in_force(screen, timezone.now()),
        created_at=screen.created_at,
        lifted_at=screen.lifted_at,
        lifted_by=staff_ref(screen.lifted_by) if screen.lifted_by else None,
        lift_reason=screen.lift_reason if addressed else None,
        people=[
            ScreenPersonOut(user=staff_ref(entry.user), acknowledged_at=entry.acknowledged_at)
            for entry in people
        ],
        cases=[case_ref(entry.case) for entry in sorted(shown, key=lambda entry: entry.case_id)],
        screened_terms=list(screen.screened_terms) if sees_all_cases else None,
    )


class ScreenIn(InputSchema):
    kind: ScreenKind
    usernames: list[Username] = Field(
        min_length=1,
        max_length=MAX_SCREEN_PEOPLE,
        description="Exclusionary: who is walled off. Need to know: who alone may see.",
    )
    case_ids: list[BodyDbId] = Field(min_length=1, max_length=MAX_SCREEN_CASES)
    reason: Reason
    memo: Annotated[str, Field(max_length=MAX_TEXT_LENGTH), Storable] = Field(
        "", description="What the screened people are told; defaults to the reason."
    )
    starts_at: RecordDatetime | None = Field(None, description="Defaults to now; not earlier.")
    ends_at: RecordDatetime | None = Field(None, description="Open-ended when omitted.")
    screened_terms: list[
        Annotated[str, Field(min_length=1, max_length=MAX_TERM_LENGTH), Storable]
    ] = Field(
        default_factory=list,
        max_length=MAX_TERMS,
        description="Extra words that must not pass between a screened person and others.",
    )


class ScreenLiftIn(InputSchema):
    reason: Reason


# --- conflicts ------------------------------------------------------------------------------


class ConflictListQuery(PageQuery):
    open_only: bool = Field(False, description="Only flags still awaiting a decision.")


class ConflictFlagOut(Schema):
    id: int
    staff: StaffRefOut
    case: CaseRefOut | None = Field(description="Null when you may not see the case.")
    basis: str | None = Field(description="Why the flag was raised; null with the case.")
    source: ConflictSource
    source_label: str
    status: ConflictStatus
    status_label: str
    created_at: dt.datetime
    resolved_at: dt.datetime | None
    resolved_by: StaffRefOut | None
    resolution_note: str
    screen_id: int | None = Field(description="The screen raised by a recusal.")


class ConflictListOut(PageOut):
    items: list[ConflictFlagOut]


def visible_case_ids(user: User, case_ids: Iterable[int]) -> set[int]:
    """Which of these cases the policy lets `user` see, in one query."""
    wanted = set(case_ids)
    if not wanted:
        return set()
    return set(
        visible_cases(user, CaseAction.VIEW).filter(pk__in=wanted).values_list("pk", flat=True)
    )


def flag_out(flag: ConflictFlag, *, case_visible: bool) -> ConflictFlagOut:
    return ConflictFlagOut(
        id=flag.pk,
        staff=staff_ref(flag.staff),
        case=case_ref(flag.case) if case_visible else None,
        basis=flag.basis if case_visible else None,
        source=ConflictSource(flag.source),
        source_label=flag.get_source_display(),
        status=ConflictStatus(flag.status),
        status_label=flag.get_status_display(),
        created_at=flag.created_at,
        resolved_at=flag.resolved_at,
        resolved_by=staff_ref(flag.resolved_by) if flag.resolved_by else None,
        resolution_note=flag.resolution_note,
        screen_id=flag.screen_id,
    )


def flags_out(user: User, flags: Iterable[ConflictFlag]) -> list[ConflictFlagOut]:
    items = list(flags)
    visible = visible_case_ids(user, (flag.case_id for flag in items))
    return [flag_out(flag, case_visible=flag.case_id in visible) for flag in items]


class ConflictResolveIn(InputSchema):
    recuse: bool = Field(description="True: recuse (a screen is raised). False: record why not.")
    note: Reason
    acting_delegate_username: Username | None = Field(
        None,
        description="Whom you would have act in your place. The head of office is refused: "
        "only a court may appoint a special prosecutor.",
    )


class ResolutionOut(Schema):
    flag: ConflictFlagOut
    delegation_refused: str = Field(
        description="Why the requested acting delegation was refused; empty if none was asked."
    )


class ConflictCheckOut(Schema):
    case_id: int
    new_flags: int = Field(description="How many potential conflicts the check raised.")
    flags: list[ConflictFlagOut] = Field(
        description="The new flags you may see: your own, or all of them for oversight."
    )
