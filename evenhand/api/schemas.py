"""Request and response shapes of the case endpoints, and the functions that fill them.

Input schemas forbid unknown fields, so a misspelt field is a 422 instead of being ignored.
Lengths match the model fields; free-text fields the models leave unbounded get a cap here.
Output builders take what the selectors and services return and read only rows related to it;
after a selector those are prefetched, so a case page costs the same queries whatever its size.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Schema
from pydantic import ConfigDict, Field, StrictInt

from evenhand.accounts.models import User
from evenhand.audit.models import AuditEntry, AuditOutcome
from evenhand.cases.models import (
    AssignmentRole,
    Case,
    CaseAssignment,
    CaseEvent,
    CaseEventKind,
    CaseStatus,
    Charge,
    Participant,
    ParticipantRole,
    ParticipantRoleChange,
    Person,
    SpecialProsecution,
)
from evenhand.cases.selectors import MAX_QUERY_LENGTH, CaseDetail
from evenhand.cases.services import MAX_COUNTS_PER_FILING
from evenhand.jurisdictions.ruleset import active_ruleset

from .fields import BodyDbId, RecordDate, RecordDatetime, Storable

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 25
# Bounds the OFFSET so it stays far inside a 64-bit integer.
MAX_PAGE = 100_000
MAX_TEXT_LENGTH = 20_000
MAX_ALIASES = 20


class InputSchema(Schema):
    model_config = ConfigDict(extra="forbid")


# --- shared output pieces -------------------------------------------------------------------


class StaffRefOut(Schema):
    id: int
    username: str
    name: str


def staff_ref(user: User) -> StaffRefOut:
    return StaffRefOut(id=user.pk, username=user.username, name=str(user))


class PageOut(Schema):
    total: int = Field(description="Number of matching items on all pages.")
    page: int
    page_size: int


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


# --- cases ----------------------------------------------------------------------------------


class CaseListQuery(PageQuery):
    q: Annotated[str, Field(max_length=MAX_QUERY_LENGTH), Storable] = Field(
        "",
        description="Words to find in the case number or title, a participant's name or "
        "alias, or a charge's statute key or citation.",
    )
    status: CaseStatus | None = None
    offense_class: Annotated[str, Field(max_length=4), Storable] = Field(
        "", description="Cases with a current charge of this class code (e.g. X, 1, A)."
    )
    statute_key: Annotated[str, Field(max_length=64), Storable] = Field(
        "", description="Cases with a current charge under this statute key."
    )
    mine: bool = Field(False, description="Only cases on whose team you currently are.")


class CaseOut(Schema):
    id: int
    number: str
    title: str
    status: CaseStatus
    status_label: str
    special_prosecution: SpecialProsecution = Field(
        description="Whether a court-appointed special prosecutor handles the case."
    )
    special_prosecution_label: str
    received_on: dt.date
    summary: str
    created_at: dt.datetime
    updated_at: dt.datetime


def case_out(case: Case) -> CaseOut:
    return CaseOut(
        id=case.pk,
        number=case.number,
        title=case.title,
        status=CaseStatus(case.status),
        status_label=case.get_status_display(),
        special_prosecution=SpecialProsecution(case.special_prosecution),
        special_prosecution_label=case.get_special_prosecution_display(),
        received_on=case.received_on,
        summary=case.summary,
        created_at=case.created_at,
        updated_at=case.updated_at,
    )


class CaseListItemOut(Schema):
    id: int
    number: str
    title: str
    status: CaseStatus
    status_label: str
    special_prosecution: SpecialProsecution
    special_prosecution_label: str
    received_on: dt.date
    updated_at: dt.datetime
    participant_count: int


def case_list_item(case: Case) -> CaseListItemOut:
    return CaseListItemOut(
        id=case.pk,
        number=case.number,
        title=case.title,
        status=CaseStatus(case.status),
        status_label=case.get_status_display(),
        special_prosecution=SpecialProsecution(case.special_prosecution),
        special_prosecution_label=case.get_special_prosecution_display(),
        received_on=case.received_on,
        updated_at=case.updated_at,
        # Annotated by cases.selectors.case_list.
        participant_count=getattr(case, "participant_count", 0),
    )


class CaseListOut(PageOut):
    items: list[CaseListItemOut]


class CaseOpenIn(InputSchema):
    title: Annotated[str, Field(min_length=1, max_length=200), Storable]
    received_on: RecordDate
    summary: Annotated[str, Field(max_length=MAX_TEXT_LENGTH), Storable] = ""
    number: Annotated[str, Field(max_length=32), Storable] = Field(
        "", description="Leave empty to allocate the next number for the year received."
    )


# --- participants ---------------------------------------------------------------------------


class PersonOut(Schema):
    id: int
    first_name: str
    middle_name: str
    last_name: str
    full_name: str
    date_of_birth: dt.date | None
    aliases: list[str]


def person_out(person: Person) -> PersonOut:
    return PersonOut(
        id=person.pk,
        first_name=person.first_name,
        middle_name=person.middle_name,
        last_name=person.last_name,
        full_name=person.full_name,
        date_of_birth=person.date_of_birth,
        aliases=[alias.name for alias in person.aliases.all()],
    )


class RoleChangeOut(Schema):
    from_role: ParticipantRole | None = Field(description="Empty for the role first given.")
    to_role: ParticipantRole
    changed_at: dt.datetime
    changed_by: StaffRefOut
    reason: str


def role_change_out(change: ParticipantRoleChange) -> RoleChangeOut:
    return RoleChangeOut(
        from_role=ParticipantRole(change.from_role) if change.from_role else None,
        to_role=ParticipantRole(change.to_role),
        changed_at=change.changed_at,
        changed_by=staff_ref(change.changed_by),
        reason=change.reason,
    )


class ParticipantOut(Schema):
    id: int
    person: PersonOut
    role: ParticipantRole
    role_label: str
    added_at: dt.datetime
    role_history: list[RoleChangeOut]


def participant_out(participant: Participant) -> ParticipantOut:
    return ParticipantOut(
        id=participant.pk,
        person=person_out(participant.person),
        role=ParticipantRole(participant.role),
        role_label=participant.get_role_display(),
        added_at=participant.added_at,
        role_history=[role_change_out(change) for change in participant.role_changes.all()],
    )


class ParticipantAddIn(InputSchema):
    first_name: Annotated[str, Field(min_length=1, max_length=100), Storable]
    last_name: Annotated[str, Field(min_length=1, max_length=100), Storable]
    middle_name: Annotated[str, Field(max_length=100), Storable] = ""
    date_of_birth: RecordDate | None = None
    aliases: list[Annotated[str, Field(min_length=1, max_length=200), Storable]] = Field(
        default_factory=list, max_length=MAX_ALIASES
    )
    role: ParticipantRole
    occurred_at: RecordDatetime | None = Field(
        None, description="When they became part of the case; defaults to now."
    )


class RoleChangeIn(InputSchema):
    role: ParticipantRole
    reason: Annotated[str, Field(min_length=1, max_length=500), Storable]
    occurred_at: RecordDatetime | None = None


# --- charges --------------------------------------------------------------------------------


class ChargeOut(Schema):
    id: int
    participant_id: int
    defendant: str
    statute_key: str
    citation: str
    offense_title: str
    offense_class: str
    class_label: str
    count_number: int
    version: int
    is_current: bool
    previous_id: int | None
    filed_on: dt.date
    created_at: dt.datetime


def charge_out(charge: Charge) -> ChargeOut:
    return ChargeOut(
        id=charge.pk,
        participant_id=charge.participant_id,
        defendant=charge.participant.person.full_name,
        statute_key=charge.statute_key,
        citation=charge.citation,
        offense_title=charge.offense_title,
        offense_class=charge.offense_class,
        class_label=active_ruleset().offense_class(charge.offense_class).label,
        count_number=charge.count_number,
        version=charge.version,
        is_current=charge.is_current,
        previous_id=charge.previous_id,
        filed_on=charge.filed_on,
        created_at=charge.created_at,
    )


class ChargesFileIn(InputSchema):
    participant_id: BodyDbId
    statute_key: Annotated[str, Field(min_length=1, max_length=64), Storable]
    counts: Annotated[StrictInt, Field(ge=1, le=MAX_COUNTS_PER_FILING)]
    filed_on: RecordDate


class ChargeAmendIn(InputSchema):
    statute_key: Annotated[str, Field(min_length=1, max_length=64), Storable]
    reason: Annotated[str, Field(min_length=1, max_length=500), Storable]


# --- events, team, detail -------------------------------------------------------------------


class EventOut(Schema):
    id: int
    kind: CaseEventKind
    kind_label: str
    occurred_at: dt.datetime
    summary: str
    recorded_by: StaffRefOut
    recorded_at: dt.datetime


def event_out(event: CaseEvent) -> EventOut:
    return EventOut(
        id=event.pk,
        kind=CaseEventKind(event.kind),
        kind_label=event.get_kind_display(),
        occurred_at=event.occurred_at,
        summary=event.summary,
        recorded_by=staff_ref(event.recorded_by),
        recorded_at=event.recorded_at,
    )


class EventIn(InputSchema):
    kind: CaseEventKind = Field(
        description="Charge events are refused here: file or amend the charge instead."
    )
    occurred_at: RecordDatetime
    summary: Annotated[str, Field(min_length=1, max_length=MAX_TEXT_LENGTH), Storable]


class TeamMemberOut(Schema):
    user: StaffRefOut
    role: AssignmentRole
    assigned_at: dt.datetime


def team_member_out(assignment: CaseAssignment) -> TeamMemberOut:
    return TeamMemberOut(
        user=staff_ref(assignment.user),
        role=AssignmentRole(assignment.role),
        assigned_at=assignment.assigned_at,
    )


class CaseDetailOut(CaseOut):
    participants: list[ParticipantOut]
    charges: list[ChargeOut]
    events: list[EventOut]
    team: list[TeamMemberOut]


def case_detail_out(detail: CaseDetail) -> CaseDetailOut:
    return CaseDetailOut(
        **case_out(detail.case).model_dump(),
        participants=[participant_out(participant) for participant in detail.participants],
        charges=[charge_out(charge) for charge in detail.charges],
        events=[event_out(event) for event in detail.events],
        team=[team_member_out(assignment) for assignment in detail.team],
    )


# --- audit trail ----------------------------------------------------------------------------


class AuditEntryOut(Schema):
    seq: int
    occurred_at: dt.datetime
    actor: str = Field(description="The username at the time of the entry.")
    # A plain string, not the enum: entries are forever and may outlive today's action list.
    action: str
    action_label: str
    outcome: AuditOutcome
    subject_type: str
    subject_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    request_id: str
    hash: str


def audit_entry_out(entry: AuditEntry) -> AuditEntryOut:
    return AuditEntryOut(
        seq=entry.seq,
        occurred_at=entry.occurred_at,
        actor=entry.actor_label,
        action=entry.action,
        action_label=entry.get_action_display(),
        outcome=AuditOutcome(entry.outcome),
        subject_type=entry.subject_type,
        subject_id=entry.subject_id,
        before=entry.before,
        after=entry.after,
        request_id=entry.request_id,
        hash=entry.hash,
    )


class AuditTrailOut(PageOut):
    case_id: int
    items: list[AuditEntryOut]
