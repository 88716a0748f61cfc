"""Reads for the people forms of the case page: whom a user may find by name, and the
relationships among a case's people.

A person is findable only through a case the policy lets the user read: a participant in one of
`visible_cases(user)`, or someone related to such a participant. Someone who appears only in
cases hidden from the user (a screen, a sealing, a need-to-know wall) is not found, so a search
cannot tell a screened user who is in the case they are walled off from; and only the numbers of
visible cases are shown beside a name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from evenhand.accounts.models import User
from evenhand.cases.models import (
    Case,
    Participant,
    ParticipantRole,
    Person,
    PersonAlias,
    Relationship,
)
from evenhand.screening.policies import CaseAction, visible_cases

MAX_FOUND = 20
MAX_QUERY_WORDS = 6
CASES_SHOWN_PER_PERSON = 3

_ROLES: dict[str, str] = dict(ParticipantRole.choices)


@dataclass(frozen=True)
class FoundPerson:
    person: Person
    aliases: list[str]
    appearances: list[str]  # "2019-CR-000001 (Victim)", visible cases only
    more_cases: int

    @property
    def label(self) -> str:
        parts = [self.person.full_name]
        if self.person.date_of_birth:
            parts.append(f"born {self.person.date_of_birth:%Y-%m-%d}")
        if self.aliases:
            parts.append("also known as " + ", ".join(self.aliases))
        if self.appearances:
            more = f" and {self.more_cases} more" if self.more_cases else ""
            parts.append("in " + ", ".join(self.appearances) + more)
        else:
            parts.append("related to a participant in a case you may see")
        return " — ".join(parts)


def _findable(user: User) -> QuerySet[Person]:
    readable = visible_cases(user, CaseAction.VIEW).values("pk")
    on_readable = Participant.objects.filter(case_id__in=readable).values("person_id")
    return Person.objects.filter(
        Q(pk__in=on_readable)
        | Q(
            Exists(
                Relationship.objects.filter(
                    from_person=OuterRef("pk"), to_person_id__in=on_readable
                )
            )
        )
        | Q(
            Exists(
                Relationship.objects.filter(
                    to_person=OuterRef("pk"), from_person_id__in=on_readable
                )
            )
        )
    )


def _name_matches(query: str) -> Q:
    """Every word of the query in the first, middle or last name or an alias."""
    condition = Q()
    for word in query.split()[:MAX_QUERY_WORDS]:
        alias = PersonAlias.objects.filter(person=OuterRef("pk"), name__icontains=word)
        condition &= (
            Q(first_name__icontains=word)
            | Q(middle_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(Exists(alias))
        )
    return condition


def people_found(*, user: User, query: str) -> tuple[list[FoundPerson], bool]:
    """People the user may find whose name or alias holds every word of `query`, and whether
    there were more than shown (refine the search)."""
    people = list(
        _findable(user)
        .filter(_name_matches(query))
        .order_by("last_name", "first_name", "pk")[: MAX_FOUND + 1]
    )
    return _described(user, people[:MAX_FOUND]), len(people) > MAX_FOUND


def people_by_ids(*, user: User, ids: Iterable[int]) -> list[FoundPerson]:
    """The people among `ids` whom the user may find (a posted choice is checked again)."""
    people = list(_findable(user).filter(pk__in=list(ids)).order_by("last_name", "first_name"))
    return _described(user, people)


def _described(user: User, people: list[Person]) -> list[FoundPerson]:
    ids = [person.pk for person in people]
    aliases: dict[int, list[str]] = {}
    for person_id, name in PersonAlias.objects.filter(person_id__in=ids).values_list(
        "person_id", "name"
    ):
        aliases.setdefault(person_id, []).append(name)
    appearances: dict[int, list[str]] = {}
    rows = (
        Participant.objects.filter(
            person_id__in=ids, case_id__in=visible_cases(user, CaseAction.VIEW).values("pk")
        )
        .order_by("-case__received_on", "-case_id")
        .values_list("person_id", "case__number", "role")
    )
    for person_id, number, role in rows:
        appearances.setdefault(person_id, []).append(f"{number} ({_ROLES.get(role, role)})")
    return [
        FoundPerson(
            person=person,
            aliases=aliases.get(person.pk, []),
            appearances=appearances.get(person.pk, [])[:CASES_SHOWN_PER_PERSON],
            more_cases=max(0, len(appearances.get(person.pk, [])) - CASES_SHOWN_PER_PERSON),
        )
        for person in people
    ]


@dataclass(frozen=True)
class RelationshipLine:
    from_name: str
    kind_label: str
    to_name: str
    note: str


def relationships_among(*, case: Case) -> list[RelationshipLine]:
    """Recorded relationships that touch the case's participants. The caller has passed
    `access_case` for the case."""
    on_case = Participant.objects.filter(case=case).values("person_id")
    links = (
        Relationship.objects.filter(Q(from_person_id__in=on_case) | Q(to_person_id__in=on_case))
        .select_related("from_person", "to_person")
        .order_by("from_person__last_name", "from_person__first_name", "pk")
    )
    return [
        RelationshipLine(
            from_name=link.from_person.full_name,
            kind_label=link.get_kind_display(),
            to_name=link.to_person.full_name,
            note=link.note,
        )
        for link in links
    ]
