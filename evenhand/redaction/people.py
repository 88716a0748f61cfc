"""What the case database knows about people, as the detector's `KnownPerson` values.

Participants who are not public officials (victims, witnesses, suspects, defendants,
relatives) are to be redacted by name; defence attorneys and reporting officers act in public
roles, and the office's own staff are public officials: their names are given to the detector
as officials, so a participant's nickname that is also an official's name is not suggested
on its own. Cases are read only through the access policy.
"""

from __future__ import annotations

from collections.abc import Sequence

from evenhand.accounts.models import User
from evenhand.cases.models import Participant, ParticipantRole
from evenhand.screening.policies import CaseAction, visible_cases

from .detect import KnownPerson

PUBLIC_ROLES = frozenset({ParticipantRole.DEFENCE_ATTORNEY, ParticipantRole.REPORTING_OFFICER})


def known_people(*, user: User, case_ids: Sequence[int]) -> list[KnownPerson]:
    """The participants of those of `case_ids` the user may read, and the office's staff."""
    participants = (
        Participant.objects.filter(
            case__in=visible_cases(user, CaseAction.VIEW).filter(pk__in=list(case_ids))
        )
        .select_related("person")
        .prefetch_related("person__aliases")
    )
    people: dict[tuple[int, bool], KnownPerson] = {}
    for participant in participants:
        person = participant.person
        official = participant.role in PUBLIC_ROLES
        people[(person.pk, official)] = KnownPerson(
            full_name=person.full_name,
            aliases=tuple(alias.name for alias in person.aliases.all()),
            public_official=official,
        )
    staff = [
        KnownPerson(full_name=f"{first} {last}", public_official=True)
        for first, last in User.objects.filter(is_active=True)
        .exclude(first_name="")
        .values_list("first_name", "last_name")
    ]
    return [*people.values(), *staff]
