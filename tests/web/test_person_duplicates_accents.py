"""The duplicate-person warning of add-a-participant ignores accents and case: "Jose Muller"
is warned about the recorded "José Müller" and the other way round, by name and by alias, for
any spelling of the same letters; and someone only on a case walled off from the user is still
never listed, however their name is spelled."""

from __future__ import annotations

import string
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from evenhand.accounts.models import Role, User
from evenhand.cases import services
from evenhand.cases.models import Case, ParticipantRole, Person
from evenhand.web.case_actions.people import likely_duplicates
from tests.factories import make_case, make_user, screen_from
from tests.web.participant_forms import add_url, new_person_form, signed_in

WARNING = 'data-testid="duplicate-warning"'

# Combining marks that Latin-script names carry: grave, acute, circumflex, tilde, diaeresis,
# ring, caron, cedilla.
MARKS = "\u0300\u0301\u0302\u0303\u0308\u030a\u030c\u0327"


def _recorded_on(case: Case, actor: User, first: str, last: str, *aliases: str) -> Person:
    person = services.person_create(actor=actor, first_name=first, last_name=last, aliases=aliases)
    services.participant_add(
        actor=actor, case_id=case.pk, person=person, role=ParticipantRole.WITNESS
    )
    return person


# (first, last, aliases) recorded, then (first, last, aliases) typed for the new person.
Name = tuple[str, str, str]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("recorded", "typed"),
    [
        (("Ána", "Ruíz", ""), ("Ana", "Ruiz", "")),
        (("Ana", "Ruiz", ""), ("ÁNA", "RUÍZ", "")),
        (("Reese", "Dünmore", ""), ("reese", "DUNMORE", "")),
        # A nickname variant and an accent together.
        (("Tina", "Välé", ""), ("Christina", "Vale", "")),
        # The recorded alias, typed without its accents.
        (("Victor", "Lang", "Víctor Lángford"), ("Victor", "Langford", "")),
        # An alias typed for the new person, with accents the record does not have.
        (("Jordan", "Vale", ""), ("J.", "Marlow", "JÓRDAN VÂLE")),
    ],
    ids=["accents-recorded", "accents-typed", "case-and-umlaut", "nickname", "alias", "typed"],
)
def test_accented_spellings_are_warned_about(
    asa: User, case: Case, recorded: Name, typed: Name
) -> None:
    first, last, alias = recorded
    earlier = make_case(actor=asa, title="An earlier case")
    person = _recorded_on(earlier, asa, first, last, *([alias] if alias else []))

    page = (
        signed_in(asa)
        .post(
            add_url(case),
            new_person_form(first_name=typed[0], last_name=typed[1], aliases=typed[2]),
        )
        .content.decode()
    )

    assert WARNING in page
    assert person.full_name in page
    assert earlier.number in page


@pytest.mark.django_db
def test_a_different_surname_with_accents_is_not_a_match(asa: User, case: Case) -> None:
    # Folding accents must not fold different letters together: Müller is not Miller.
    _recorded_on(make_case(actor=asa), asa, "Ana", "Müller")

    response = signed_in(asa).post(
        add_url(case), new_person_form(first_name="Ana", last_name="Miller")
    )

    assert response.status_code == 302


@st.composite
def spelling_of(draw: st.DrawFn, word: str) -> str:
    """`word` with any letter's case changed and any accents added, composed or not."""
    letters = [
        (letter.upper() if draw(st.booleans()) else letter)
        + draw(st.text(alphabet=MARKS, max_size=2))
        for letter in word
    ]
    return unicodedata.normalize(draw(st.sampled_from(["NFC", "NFD"])), "".join(letters))


word = st.text(alphabet=string.ascii_lowercase, min_size=2, max_size=10)


class TestAnySpellingOfANameMatches(HypothesisTestCase):
    """For any name and any two accent and case spellings of it: a person recorded under one
    spelling (or carrying it as an alias) is found for the other, and a person recorded under
    a spelling of it only on a case walled off from the user is never found (while a user who
    may see that case finds them, so the wall is what hides them)."""

    screened: User
    office: User
    mine: Case
    hidden: Case

    @classmethod
    def setUpTestData(cls) -> None:
        cls.office = make_user(role=Role.ASSISTANT_STATES_ATTORNEY)
        cls.screened = make_user(role=Role.ASSISTANT_STATES_ATTORNEY)
        cls.mine = make_case(actor=cls.screened, title="A case the screened prosecutor works on")
        cls.hidden = make_case(actor=cls.office, title="A case walled off from them")
        screen_from(cls.hidden.pk, cls.screened)

    @settings(max_examples=30, deadline=None)
    @given(given_name=word, surname=word, data=st.data())
    def test_spellings(self, given_name: str, surname: str, data: st.DataObject) -> None:
        def spelled() -> tuple[str, str]:
            return data.draw(spelling_of(given_name)), data.draw(spelling_of(surname))

        by_name = _recorded_on(self.mine, self.screened, *spelled())
        by_alias = _recorded_on(self.mine, self.screened, "Ana", "Ruiz", " ".join(spelled()))
        walled = _recorded_on(self.hidden, self.office, *spelled(), " ".join(spelled()))
        typed_first, typed_last = spelled()

        def found(user: User) -> set[int]:
            matches, _ = likely_duplicates(user=user, first_name=typed_first, last_name=typed_last)
            return {match.person.pk for match in matches}

        seen_by_screened = found(self.screened)
        assert {by_name.pk, by_alias.pk} <= seen_by_screened
        assert walled.pk not in seen_by_screened
        assert walled.pk in found(self.office)
