"""Reads of case content. Every function takes the user and starts from the policy."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone

from evenhand.accounts.models import User
from evenhand.audit.models import AuditAction, AuditEntry
from evenhand.audit.selectors import audit_entries_for_case
from evenhand.config.db import Statement, fetch_together
from evenhand.jurisdictions.ruleset import active_ruleset
from evenhand.screening.policies import OVERSIGHT, CaseAction, access_case, visible_cases

from .models import (
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
    PersonAlias,
    Relationship,
)

MAX_QUERY_LENGTH = 200
CASE_NUMBER = re.compile(r"^\d{4}-CR-\d{6,}$", re.IGNORECASE)


@dataclass(frozen=True)
class CaseFilters:
    query: str = ""
    status: CaseStatus | None = None
    offense_class: str = ""
    statute_key: str = ""
    mine: bool = False


def case_list(*, user: User, filters: CaseFilters) -> QuerySet[Case]:
    """Cases the user may see, matching a free-text query on number, participant name or alias,
    or statute, plus exact filters. Sub-queries (not joins) keep one row per case."""
    cases = visible_cases(user, CaseAction.VIEW)
    query = filters.query.strip()[:MAX_QUERY_LENGTH]
    if CASE_NUMBER.match(query):
        # A whole case number: the unique index answers it.
        cases = cases.filter(number=query.upper())
    elif query:
        # Each part is looked up through an index and gives a set of case ids; the number and
        # title are short columns of the case row itself.
        condition = (
            Q(number__icontains=query)
            | Q(title__icontains=query)
            | Q(pk__in=_participants_matching(query).values("case_id"))
        )
        # Statute text is matched against the ruleset's few statutes here, so the database
        # looks charges up by key (indexed) instead of scanning every charge's citation.
        statute_keys = _statutes_matching(query)
        if statute_keys:
            condition |= Q(
                Exists(Charge.objects.filter(case=OuterRef("pk"), statute_key__in=statute_keys))
            )
        cases = cases.filter(condition)
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.offense_class:
        cases = cases.filter(
            Exists(
                Charge.objects.filter(
                    case=OuterRef("pk"), is_current=True, offense_class=filters.offense_class
                )
            )
        )
    if filters.statute_key:
        cases = cases.filter(
            Exists(
                Charge.objects.filter(
                    case=OuterRef("pk"), is_current=True, statute_key=filters.statute_key
                )
            )
        )
    if filters.mine:
        cases = cases.filter(
            Exists(
                CaseAssignment.objects.filter(case=OuterRef("pk"), user=user, ended_at__isnull=True)
            )
        )
    # A per-row sub-query counts only the page's cases; a join with GROUP BY would count
    # participants of every matching case before the page is cut.
    participants = (
        Participant.objects.filter(case=OuterRef("pk"))
        .order_by()
        .values("case")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return cases.annotate(
        participant_count=Coalesce(Subquery(participants), 0),
    ).order_by("-received_on", "-id")


def _statutes_matching(query: str) -> list[str]:
    needle = query.casefold()
    return [
        statute.key
        for statute in active_ruleset().statutes.values()
        if needle in statute.key.casefold()
        or needle in statute.citation.casefold()
        or needle in statute.display.casefold()
    ]


# SQLite's lower() folds ASCII letters only (as its LIKE does), so the query words are folded
# the same way there; PostgreSQL's lower() folds every script, as str.lower() does.
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _folded(word: str) -> str:
    return word.translate(_ASCII_LOWER) if connection.vendor == "sqlite" else word.lower()


def _starts_with(column: str, word: str) -> Q:
    """`column` starts with `word`, ignoring case, through an index on lower(column):
    PostgreSQL's text_pattern_ops index answers LIKE 'word%'; SQLite uses its expression index
    only for a range, which under its binary collation is exactly the prefix."""
    folded = _folded(word)
    if connection.vendor != "sqlite":
        return Q(**{f"{column}_folded__startswith": folded})
    # The highest code point after the prefix bounds every name that starts with it.
    return Q(**{f"{column}_folded__gte": folded, f"{column}_folded__lt": f"{folded}\U0010ffff"})


def _people_matching_word(word: str) -> QuerySet[Any, int]:
    """Ids of the people whose first or last name starts with `word`, or one of whose aliases
    contains it (there are few aliases, and an alias may be two words: "Big Sal"). A union, so
    that each part is answered by its own index: an OR of the three makes the databases read
    every person."""
    people = Person.objects.annotate(
        first_name_folded=Lower("first_name"), last_name_folded=Lower("last_name")
    ).order_by()
    by_first = people.filter(_starts_with("first_name", word)).values_list("pk", flat=True)
    by_last = people.filter(_starts_with("last_name", word)).values_list("pk", flat=True)
    by_alias = (
        PersonAlias.objects.filter(name__icontains=word)
        .order_by()
        .values_list("person_id", flat=True)
    )
    return by_first.union(by_last, by_alias)


def _participants_matching(query: str) -> QuerySet[Participant]:
    """Participants whose person matches every word of the query (`_people_matching_word`)."""
    participants = Participant.objects.order_by()
    for word in query.split()[:6]:
        participants = participants.filter(person_id__in=_people_matching_word(word))
    return participants


@dataclass(frozen=True)
class CaseDetail:
    case: Case
    participants: list[Participant]
    charges: list[Charge]
    events: list[CaseEvent]
    team: list[CaseAssignment]


def case_detail(*, user: User, case_id: object) -> CaseDetail:
    """Everything on the case page, in a fixed number of queries whatever the case's size."""
    case = access_case(user, case_id, CaseAction.VIEW)
    participants = list(
        Participant.objects.filter(case=case)
        .select_related("person")
        .prefetch_related(
            Prefetch("person__aliases", queryset=PersonAlias.objects.order_by("name")),
            Prefetch(
                "role_changes",
                queryset=ParticipantRoleChange.objects.select_related("changed_by").order_by(
                    "changed_at", "id"
                ),
            ),
        )
        .order_by("id")
    )
    charges = list(
        Charge.objects.filter(case=case)
        .select_related("participant__person")
        .order_by("participant_id", "count_number", "version")
    )
    events = list(
        CaseEvent.objects.filter(case=case)
        .select_related("recorded_by")
        .order_by("occurred_at", "id")
    )
    team = list(
        CaseAssignment.objects.filter(case=case, ended_at__isnull=True)
        .select_related("user")
        .order_by("assigned_at")
    )
    return CaseDetail(
        case=case, participants=participants, charges=charges, events=events, team=team
    )


# --- the case page -----------------------------------------------------------------------------
# The page is read on every visit to a case, so its reads are written as plain SQL: building
# the ORM's queries cost more than running them. Long lists come a page at a time.

CHARGES_PER_PAGE = 50
EVENTS_PER_PAGE = 50

T = TypeVar("T")

_PARTICIPANT_ROLES: dict[str, str] = dict(ParticipantRole.choices)
_EVENT_KINDS: dict[str, str] = dict(CaseEventKind.choices)
_ASSIGNMENT_ROLES: dict[str, str] = dict(AssignmentRole.choices)


@dataclass(frozen=True, slots=True)
class RoleChangeLine:
    changed_at: datetime
    from_label: str
    to_label: str
    reason: str
    changed_by: str

    @property
    def changed_on(self) -> str:
        """The local date, as the page shows it."""
        return timezone.localtime(self.changed_at).date().isoformat()


@dataclass(frozen=True, slots=True)
class ParticipantLine:
    id: int
    person_id: int
    full_name: str
    role: str
    role_label: str
    aliases: list[str]
    history: list[RoleChangeLine]


@dataclass(frozen=True, slots=True)
class ChargeLine:
    id: int
    defendant: str
    count_number: int
    citation: str
    offense_title: str
    offense_class: str
    version: int
    filed_on: date


@dataclass(frozen=True, slots=True)
class EventLine:
    id: int
    occurred_at: datetime
    kind: str
    kind_label: str
    summary: str
    recorded_by: str

    # The page shows times in local time. Formatted here: the template's date filter costs
    # several times more, once per event.
    @property
    def occurred_iso(self) -> str:
        return timezone.localtime(self.occurred_at).isoformat()

    @property
    def occurred_label(self) -> str:
        return timezone.localtime(self.occurred_at).replace(tzinfo=None).isoformat(" ", "minutes")


@dataclass(frozen=True, slots=True)
class TeamLine:
    user: str
    role: str
    role_label: str


@dataclass(frozen=True)
class PageOf(Generic[T]):
    """One page of a longer list: its items, its number (from 1) and the list's length."""

    items: list[T]
    number: int
    total: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def first_index(self) -> int:
        """The position in the whole list of this page's first item (from 1)."""
        return (self.number - 1) * self.per_page + 1


@dataclass(frozen=True)
class CasePage:
    case: Case
    participants: list[ParticipantLine]
    team: list[TeamLine]
    current_charges: PageOf[ChargeLine]
    superseded_charges: PageOf[ChargeLine]
    events: PageOf[EventLine]


_COUNTS_SQL = (
    "SELECT (SELECT COUNT(*) FROM cases_charge WHERE case_id = %s AND is_current = %s), "
    "(SELECT COUNT(*) FROM cases_charge WHERE case_id = %s AND is_current = %s), "
    "(SELECT COUNT(*) FROM cases_caseevent WHERE case_id = %s)"
)
_PARTICIPANTS_SQL = (
    "SELECT pa.id, pa.person_id, pa.role, pe.first_name, pe.middle_name, pe.last_name "
    "FROM cases_participant pa JOIN cases_person pe ON pe.id = pa.person_id "
    "WHERE pa.case_id = %s ORDER BY pa.id"
)
_ALIASES_SQL = (
    "SELECT al.person_id, al.name FROM cases_personalias al WHERE al.person_id IN "
    "(SELECT person_id FROM cases_participant WHERE case_id = %s) ORDER BY al.name, al.id"
)
_ROLE_CHANGES_SQL = (
    "SELECT rc.participant_id, rc.from_role, rc.to_role, rc.changed_at, rc.reason, "
    "u.username, u.first_name, u.last_name FROM cases_participantrolechange rc "
    "JOIN cases_participant pa ON pa.id = rc.participant_id "
    "JOIN accounts_user u ON u.id = rc.changed_by_id "
    "WHERE pa.case_id = %s ORDER BY rc.changed_at, rc.id"
)
_CHARGES_SQL = (
    "SELECT ch.id, ch.count_number, ch.citation, ch.offense_title, ch.offense_class, "
    "ch.version, ch.filed_on, pe.first_name, pe.middle_name, pe.last_name FROM cases_charge ch "
    "JOIN cases_participant pa ON pa.id = ch.participant_id "
    "JOIN cases_person pe ON pe.id = pa.person_id "
    "WHERE ch.case_id = %s AND ch.is_current = %s "
    "ORDER BY ch.participant_id, ch.count_number, ch.version LIMIT %s OFFSET %s"
)
_EVENTS_SQL = (
    "SELECT ev.id, ev.kind, ev.occurred_at, ev.summary, u.username, u.first_name, u.last_name "
    "FROM cases_caseevent ev JOIN accounts_user u ON u.id = ev.recorded_by_id "
    "WHERE ev.case_id = %s ORDER BY ev.occurred_at, ev.id LIMIT %s OFFSET %s"
)
_TEAM_SQL = (
    "SELECT a.role, u.username, u.first_name, u.last_name FROM cases_caseassignment a "
    "JOIN accounts_user u ON u.id = a.user_id "
    "WHERE a.case_id = %s AND a.ended_at IS NULL ORDER BY a.assigned_at, a.id"
)


def _full_name(first: str, middle: str, last: str) -> str:
    """Person.full_name, from the columns."""
    return " ".join(part for part in (first, middle, last) if part)


def _user_label(username: str, first: str, last: str) -> str:
    """str(User), from the columns."""
    return f"{first} {last}".strip() or username


def _aware(value: datetime) -> datetime:
    """A timestamp as the ORM returns it (SQLite hands back naive UTC)."""
    return value if timezone.is_aware(value) else timezone.make_aware(value, dt.UTC)


def _clamp(requested: int, total: int, per_page: int) -> int:
    """The page shown for a requested number: out of range means the nearest page."""
    return min(max(1, requested), max(1, -(-total // per_page)))


def _read_again(statement: Statement) -> list[tuple[Any, ...]]:
    return fetch_together([statement], prepared=True)[0]


def case_page(
    *,
    user: User,
    case_id: object,
    charges_page: int = 1,
    amended_page: int = 1,
    events_page: int = 1,
) -> CasePage:
    """The case page: the case (through the policy, which logs the read), its participants and
    team, and one page each of current charges, earlier versions and events, in a fixed number
    of queries whatever the case's size."""
    case = access_case(user, case_id, CaseAction.VIEW)
    pk = case.pk
    # The lists are read at the requested pages in the same round trip as their lengths; a
    # page past the end (a stale link) is read again once the length says which page it is.
    wanted = {
        "current": max(1, charges_page),
        "superseded": max(1, amended_page),
        "events": max(1, events_page),
    }

    def charges_statement(current: bool, number: int) -> Statement:
        return (_CHARGES_SQL, [pk, current, CHARGES_PER_PAGE, (number - 1) * CHARGES_PER_PAGE])

    def events_statement(number: int) -> Statement:
        return (_EVENTS_SQL, [pk, EVENTS_PER_PAGE, (number - 1) * EVENTS_PER_PAGE])

    (
        counts,
        alias_rows,
        change_rows,
        participant_rows,
        team_rows,
        current_rows,
        superseded_rows,
        event_rows,
    ) = fetch_together(
        [
            (_COUNTS_SQL, [pk, True, pk, False, pk]),
            (_ALIASES_SQL, [pk]),
            (_ROLE_CHANGES_SQL, [pk]),
            (_PARTICIPANTS_SQL, [pk]),
            (_TEAM_SQL, [pk]),
            charges_statement(True, wanted["current"]),
            charges_statement(False, wanted["superseded"]),
            events_statement(wanted["events"]),
        ],
        prepared=True,
    )
    current_total, superseded_total, events_total = counts[0]
    shown = {
        "current": _clamp(wanted["current"], current_total, CHARGES_PER_PAGE),
        "superseded": _clamp(wanted["superseded"], superseded_total, CHARGES_PER_PAGE),
        "events": _clamp(wanted["events"], events_total, EVENTS_PER_PAGE),
    }
    if shown["current"] != wanted["current"]:
        current_rows = _read_again(charges_statement(True, shown["current"]))
    if shown["superseded"] != wanted["superseded"]:
        superseded_rows = _read_again(charges_statement(False, shown["superseded"]))
    if shown["events"] != wanted["events"]:
        event_rows = _read_again(events_statement(shown["events"]))

    aliases: dict[int, list[str]] = {}
    for person_id, name in alias_rows:
        aliases.setdefault(person_id, []).append(name)

    history: dict[int, list[RoleChangeLine]] = {}
    for participant_id, before, after, at, reason, username, first, last in change_rows:
        history.setdefault(participant_id, []).append(
            RoleChangeLine(
                changed_at=_aware(at),
                from_label=_PARTICIPANT_ROLES.get(before, before) if before else "",
                to_label=_PARTICIPANT_ROLES.get(after, after),
                reason=reason,
                changed_by=_user_label(username, first, last),
            )
        )

    participants = [
        ParticipantLine(
            id=participant_id,
            person_id=person_id,
            full_name=_full_name(first, middle, last),
            role=role,
            role_label=_PARTICIPANT_ROLES.get(role, role),
            aliases=aliases.get(person_id, []),
            history=history.get(participant_id, []),
        )
        for participant_id, person_id, role, first, middle, last in participant_rows
    ]

    def charge_lines(rows: list[tuple[Any, ...]]) -> list[ChargeLine]:
        return [
            ChargeLine(
                id=row[0],
                defendant=_full_name(row[7], row[8], row[9]),
                count_number=row[1],
                citation=row[2],
                offense_title=row[3],
                offense_class=row[4],
                version=row[5],
                filed_on=row[6],
            )
            for row in rows
        ]

    events = [
        EventLine(
            id=event_id,
            occurred_at=_aware(at),
            kind=kind,
            kind_label=_EVENT_KINDS.get(kind, kind),
            summary=summary,
            recorded_by=_user_label(username, first, last),
        )
        for event_id, kind, at, summary, username, first, last in event_rows
    ]
    team = [
        TeamLine(
            user=_user_label(username, first, last),
            role=role,
            role_label=_ASSIGNMENT_ROLES.get(role, role),
        )
        for role, username, first, last in team_rows
    ]
    return CasePage(
        case=case,
        participants=participants,
        team=team,
        current_charges=PageOf(
            charge_lines(current_rows), shown["current"], current_total, CHARGES_PER_PAGE
        ),
        superseded_charges=PageOf(
            charge_lines(superseded_rows), shown["superseded"], superseded_total, CHARGES_PER_PAGE
        ),
        events=PageOf(events, shown["events"], events_total, EVENTS_PER_PAGE),
    )


# Entries about people rather than the case: who was refused, whose message was held, whose
# conflict was flagged. The oversight roles see them; the case team does not.
OVERSIGHT_ONLY_ACTIONS = (
    AuditAction.CASE_ACCESS_REFUSED,
    AuditAction.MESSAGE_HELD,
    AuditAction.MESSAGE_REFUSED,
    AuditAction.CONFLICT_FLAGGED,
    AuditAction.CONFLICT_RESOLVED,
)


def case_audit_trail(*, user: User, case_id: object) -> tuple[Case, QuerySet[AuditEntry]]:
    case = access_case(user, case_id, CaseAction.VIEW)
    entries = audit_entries_for_case(case_id=case.pk).select_related("actor")
    if user.role not in OVERSIGHT:
        entries = entries.exclude(action__in=OVERSIGHT_ONLY_ACTIONS)
    return case, entries


def case_people(*, case: Case) -> list[Person]:
    """The case's participants and everyone closely related to them: whom a contact can be
    logged with. The caller has passed `access_case` for the case."""
    participant_ids = set(Participant.objects.filter(case=case).values_list("person_id", flat=True))
    related = Relationship.objects.filter(
        Q(from_person_id__in=participant_ids) | Q(to_person_id__in=participant_ids)
    ).values_list("from_person_id", "to_person_id")
    ids = participant_ids | {pid for pair in related for pid in pair}
    return list(Person.objects.filter(pk__in=ids).order_by("last_name", "first_name"))


def case_ids_for_numbers(*, user: User, numbers: list[str]) -> tuple[list[int], list[str]]:
    """Resolve case numbers the user may see; return (ids, numbers not found)."""
    wanted = [n.strip() for n in numbers if n.strip()]
    found = dict(
        visible_cases(user, CaseAction.VIEW).filter(number__in=wanted).values_list("number", "pk")
    )
    return [found[n] for n in wanted if n in found], [n for n in wanted if n not in found]


def office_export_charges() -> QuerySet[Charge]:
    """Current charges of defendants for the de-identified open-data export (no user: a
    system job). The caller excludes sealed cases; names and addresses are never read out."""
    return (
        Charge.objects.filter(is_current=True, participant__role=ParticipantRole.DEFENDANT)
        .select_related("case", "participant__person")
        .order_by("case_id", "participant_id", "count_number")
    )
