"""Reads for the people forms of the case page: whom a user may find by name, the recorded
people a new person may duplicate, and the relationships among a case's people.

A person is findable only through a case the policy lets the user read: a participant in one of
`visible_cases(user)`, or someone related to such a participant. Someone who appears only in
cases hidden from the user (a screen, a sealing, a need-to-know wall) is not found, so a search
cannot tell a screened user who is in the case they are walled off from; and only the numbers of
visible cases are shown beside a name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
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
from evenhand.screening.names import given_name_variants, name_keys
from evenhand.screening.policies import CaseAction, visible_cases

MAX_FOUND = 20
MAX_QUERY_WORDS = 6
CASES_SHOWN_PER_PERSON = 3
MAX_DUPLICATES_SHOWN = 10
# The database narrows by the keyed surname and given name (nickname variants included); the
# names are then compared exactly in Python. The cap bounds that comparison for common names.
MAX_DUPLICATE_CANDIDATES = 200

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


# --- A new person who may already be recorded ----------------------------------------------


def _two_word_keys(names: Iterable[str]) -> set[str]:
    """The 'given surname' keys of `names`, nicknames included. A single word (a street name,
    an initial) says too little to call two records the same person, so it gives no key."""
    keys: set[str] = set()
    for name in names:
        keys.update(key for key in name_keys(name) if " " in key)
    return keys


def _may_be_named(keys: set[str]) -> QuerySet[Person, Any]:
    """The people who could carry one of `keys`, as a subquery: those whose name or an alias is
    keyed (`name_search_keys`) by one of the keys' surnames and a variant of one of their given
    names. The stored keys are normalised as `keys` are, so case and accents do not matter, and
    both look-ups are equalities on an index. Python then compares the keys exactly."""
    surnames = sorted({key.rsplit(" ", 1)[1] for key in keys})
    givens = sorted(
        {variant for key in keys for variant in given_name_variants(key.split(" ", 1)[0])}
    )
    by_alias = PersonAlias.objects.filter(surname_key__in=surnames, given_key__in=givens)
    return (
        Person.objects.filter(surname_key__in=surnames, given_key__in=givens)
        .order_by()
        .values("pk")
        .union(by_alias.order_by().values("person_id"))
    )


def _recorded_keys(person: Person, aliases: Iterable[str]) -> set[str]:
    return _two_word_keys([person.full_name, f"{person.first_name} {person.last_name}", *aliases])


def likely_duplicates(
    *,
    user: User,
    first_name: str,
    last_name: str,
    middle_name: str = "",
    date_of_birth: dt.date | None = None,
    aliases: Iterable[str] = (),
) -> tuple[list[FoundPerson], bool]:
    """Recorded people the user may find (the policy-checked search of the existing-person
    path) who may be the new person: their name or an alias and the new person's name or one
    of its aliases give the same 'given surname', case and accents aside, a given name
    matching its nickname variants (Tina and Christina). Those with the same date of birth
    come first. Also whether more matched than are shown.

    Someone recorded only on cases hidden from the user is never among them."""
    keys = _two_word_keys(
        [f"{first_name} {last_name}", f"{first_name} {middle_name} {last_name}", *aliases]
    )
    if not keys:
        return [], False
    candidates = list(
        _findable(user)
        .filter(pk__in=_may_be_named(keys))
        .order_by("last_name", "first_name", "pk")[:MAX_DUPLICATE_CANDIDATES]
    )
    recorded_aliases: dict[int, list[str]] = {}
    for person_id, name in PersonAlias.objects.filter(
        person_id__in=[person.pk for person in candidates]
    ).values_list("person_id", "name"):
        recorded_aliases.setdefault(person_id, []).append(name)
    matches = [
        person
        for person in candidates
        if keys & _recorded_keys(person, recorded_aliases.get(person.pk, []))
    ]
    # Stable: within each group the order stays by name.
    matches.sort(key=lambda person: date_of_birth is None or person.date_of_birth != date_of_birth)
    return _described(user, matches[:MAX_DUPLICATES_SHOWN]), len(matches) > MAX_DUPLICATES_SHOWN


class DifferentPersonForm(forms.Form):
    """The user's answer to a duplicate warning, posted with the new person's form (same
    prefix). `shown` holds the ids of the people the warning listed, so the answer covers
    those people only: if someone else matches by the time it is posted, the warning is shown
    again."""

    different = forms.BooleanField(required=False, label="This is a different person")
    shown = forms.CharField(required=False, widget=forms.HiddenInput, max_length=1000)

    def confirms(self, ids: Iterable[int]) -> bool:
        """Whether the user said the new person is none of `ids`, all of which they were
        shown."""
        overridden = self.overridden()
        return bool(overridden) and set(ids) <= overridden

    def overridden(self) -> set[int]:
        """The people the user was shown and said the new person is not (none unless the box
        is ticked)."""
        if not self.is_valid() or not self.cleaned_data["different"]:
            return set()
        words = str(self.cleaned_data["shown"]).split(",")
        return {int(word) for word in words if word.isascii() and word.isdigit()}


@dataclass(frozen=True)
class DuplicateWarning:
    """Recorded people the user may see who may be the new person; the new person waits until
    the user picks one of them instead or confirms with `confirm` that it is someone else."""

    matches: list[FoundPerson]
    more: bool
    on_case: frozenset[int]  # those already participants in this case: nothing to add
    confirm: DifferentPersonForm


def duplicate_warning(*, user: User, case: Case, new: forms.Form) -> DuplicateWarning | None:
    """The warning to show before recording the person of the valid new-person form `new`,
    or None when nobody the user may see matches or the user has confirmed, for exactly the
    people now matching, that the new person is someone else."""
    data: dict[str, Any] = new.cleaned_data
    matches, more = likely_duplicates(
        user=user,
        first_name=data["first_name"],
        middle_name=data["middle_name"],
        last_name=data["last_name"],
        date_of_birth=data["date_of_birth"],
        aliases=data["aliases"],
    )
    ids = [found.person.pk for found in matches]
    if not ids or DifferentPersonForm(new.data, prefix=new.prefix).confirms(ids):
        return None
    on_case = Participant.objects.filter(case=case, person_id__in=ids).values_list(
        "person_id", flat=True
    )
    return DuplicateWarning(
        matches=matches,
        more=more,
        on_case=frozenset(on_case),
        confirm=DifferentPersonForm(prefix=new.prefix, initial={"shown": ",".join(map(str, ids))}),
    )


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
