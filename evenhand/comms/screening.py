"""Decide whether a message may be delivered, before it is: refused, held, or delivered.

- Tagged to a case that the sender or any recipient may not see: refused.
- Mentioning, anywhere in its subject, body or attachment names, a screened case's number, a
  participant's name or alias, or a term configured on the screen, in a conversation that
  includes someone the screen walls off: held and reported as an attempted breach.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from evenhand.accounts.models import User
from evenhand.cases.models import Case, Participant, PersonAlias
from evenhand.screening.models import Screen, ScreenKind, screens_in_force
from evenhand.screening.policies import CaseAction, may

from .matching import TermIndex


@dataclass(frozen=True)
class Breach:
    screen: Screen
    screened_user: User
    terms_by_case: dict[int, list[str]]  # the walled cases the message names, and how

    @property
    def matched_terms(self) -> list[str]:
        return list(dict.fromkeys(t for terms in self.terms_by_case.values() for t in terms))

    @property
    def case_ids(self) -> list[int]:
        return list(self.terms_by_case)


@dataclass
class Verdict:
    refused_because: str = ""
    breaches: list[Breach] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return bool(self.refused_because)

    @property
    def held(self) -> bool:
        return not self.refused and bool(self.breaches)


def tagged_case_refusal(cases: Sequence[Case], people: Sequence[User]) -> str:
    for case in cases:
        for person in people:
            if not may(person, case, CaseAction.VIEW):
                return f"{person.username} may not discuss case {case.pk}"
    return ""


def relevant_screens(people: Sequence[User]) -> list[tuple[Screen, User]]:
    """Screens in force that wall off someone in the conversation, with that person."""
    ids = [p.pk for p in people]
    # Exclusionary screens matter when they name someone here; need-to-know screens when an
    # insider they name talks with someone here they do not name. Either way, they name
    # someone in the conversation.
    screens = (
        Screen.objects.filter(screens_in_force(), people__user_id__in=ids)
        .distinct()
        .prefetch_related("people")
    )
    result: list[tuple[Screen, User]] = []
    by_id = {p.pk: p for p in people}
    for screen in screens:
        named = {entry.user_id for entry in screen.people.all()}
        if screen.kind == ScreenKind.EXCLUSIONARY:
            walled = [by_id[i] for i in ids if i in named]
        else:
            walled = [by_id[i] for i in ids if i not in named]
        if walled:
            result.append((screen, walled[0]))
    return result


def screen_terms(screen: Screen) -> TermIndex:
    """The screen's words, each tied to the case it names: case numbers, participants' names
    and aliases, and the screen's own terms (which stand for all its cases)."""
    index = TermIndex()
    case_ids = list(screen.cases.values_list("case_id", flat=True))
    for case_id, number in screen.cases.values_list("case_id", "case__number"):
        index.add(number, [case_id])
    for case_id, first, middle, last in Participant.objects.filter(
        case_id__in=case_ids
    ).values_list("case_id", "person__first_name", "person__middle_name", "person__last_name"):
        index.add(f"{first} {last}", [case_id])
        if middle:
            index.add(f"{first} {middle} {last}", [case_id])
    for case_id, alias in PersonAlias.objects.filter(
        person__participations__case_id__in=case_ids
    ).values_list("person__participations__case_id", "name"):
        if case_id in case_ids:
            index.add(alias, [case_id])
    index.extend(screen.screened_terms, case_ids)
    return index


def judge_message(
    *, sender: User, recipients: Sequence[User], cases: Sequence[Case], text: str
) -> Verdict:
    people = [sender, *recipients]
    refusal = tagged_case_refusal(cases, people)
    if refusal:
        return Verdict(refused_because=refusal)
    verdict = Verdict()
    for screen, walled in relevant_screens(people):
        terms_by_case = screen_terms(screen).find_by_owner(text)
        if terms_by_case:
            verdict.breaches.append(
                Breach(screen=screen, screened_user=walled, terms_by_case=terms_by_case)
            )
    return verdict
