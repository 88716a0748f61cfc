"""Reads of case content. Every function takes the user and starts from the policy."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from evenhand.accounts.models import User
from evenhand.audit.models import AuditAction, AuditEntry
from evenhand.audit.selectors import audit_entries_for_case
from evenhand.jurisdictions.ruleset import active_ruleset
from evenhand.screening.policies import OVERSIGHT, CaseAction, access_case, visible_cases

from .models import (
    Case,
    CaseAssignment,
    CaseEvent,
    CaseStatus,
    Charge,
    Participant,
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
        participant_match = Participant.objects.filter(case=OuterRef("pk")).filter(
            _name_matches(query)
        )
        condition = (
            Q(number__icontains=query) | Q(title__icontains=query) | Q(Exists(participant_match))
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


def _name_matches(query: str) -> Q:
    """A participant whose name, full name or alias contains every word of the query."""
    condition = Q()
    for word in query.split()[:6]:
        alias_match = PersonAlias.objects.filter(person=OuterRef("person"), name__icontains=word)
        condition &= (
            Q(person__first_name__icontains=word)
            | Q(person__last_name__icontains=word)
            | Q(Exists(alias_match))
        )
    return condition


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
