"""A new participant whose name matches people already recorded: the form warns with the
matches the user may see (and only those), nothing is written until the user picks one of them
instead or confirms that it is someone else, and a name with no match is recorded at once."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser

import pytest

from evenhand.accounts.models import Role, User
from evenhand.audit.models import AuditAction, AuditEntry
from evenhand.cases import services
from evenhand.cases.models import Case, Participant, ParticipantRole, Person
from tests.factories import add_participant, appoint, make_case, make_user, screen_from
from tests.sealing.factories import seal
from tests.web.participant_forms import add_url, new_person_form, signed_in

pytestmark = pytest.mark.django_db

WARNING = 'data-testid="duplicate-warning"'


def _recorded(
    actor: User,
    first_name: str,
    last_name: str,
    *,
    born: dt.date | None = None,
    aliases: tuple[str, ...] = (),
    role: ParticipantRole = ParticipantRole.DEFENDANT,
    title: str = "An earlier case",
) -> tuple[Person, Case]:
    """Someone already recorded as a participant in another case of the office."""
    earlier = make_case(actor=actor, title=title)
    person = services.person_create(
        actor=actor,
        first_name=first_name,
        last_name=last_name,
        date_of_birth=born,
        aliases=aliases,
    )
    services.participant_add(actor=actor, case_id=earlier.pk, person=person, role=role)
    return person, earlier


def _counts() -> tuple[int, int, int]:
    return Person.objects.count(), Participant.objects.count(), AuditEntry.objects.count()


class _Forms(HTMLParser):
    """The hidden inputs of each form on a page with the given data-testid."""

    def __init__(self, testid: str) -> None:
        super().__init__()
        self.testid = testid
        self.forms: list[dict[str, str]] = []
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form":
            self._inside = values.get("data-testid") == self.testid
            if self._inside:
                self.forms.append({})
        elif tag == "input" and self._inside and values.get("type") == "hidden":
            self.forms[-1][values.get("name") or ""] = values.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._inside = False


def _hidden_inputs(page: str, testid: str) -> list[dict[str, str]]:
    parser = _Forms(testid)
    parser.feed(page)
    return parser.forms


def test_a_matching_name_is_not_recorded_and_the_matches_are_shown(asa: User, case: Case) -> None:
    jordan, earlier = _recorded(
        asa, "Jordan", "Vale", born=dt.date(1982, 11, 4), aliases=("J. Vale",)
    )
    client = signed_in(asa)  # signing in is audited: counted before the post
    before = _counts()

    response = client.post(
        add_url(case), new_person_form(first_name="JORDAN", last_name="vale", middle_name="Q")
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert WARNING in page
    assert "Jordan Vale" in page
    assert "born 1982-11-04" in page
    assert "also known as J. Vale" in page
    assert f"in {earlier.number} (Defendant)" in page
    assert "Add this person instead" in page
    assert "This is a different person" in page
    # The form keeps what was typed, and nothing at all was written (not even an audit entry).
    assert 'value="JORDAN"' in page
    assert 'value="Q"' in page
    assert _counts() == before
    assert not Participant.objects.filter(case=case).exists()
    [add_instead] = _hidden_inputs(page, "add-instead")
    assert add_instead["existing-person"] == str(jordan.pk)


# (first, last, aliases) recorded, then (first, last, aliases typed one per line) for the new one.
Name = tuple[str, str, str]


@pytest.mark.parametrize(
    ("recorded", "typed"),
    [
        # A given-name variant of the same surname.
        (("Tina", "Vale", ""), ("Christina", "Vale", "")),
        # The new name is a recorded alias.
        (("Reese", "Dunmore", "Reese Marlow"), ("Reese", "Marlow", "")),
        # An alias typed for the new person is the recorded name, accents and case aside.
        (("Victor", "Lang", ""), ("Vic", "Langford", "VÍCTOR LANG")),
    ],
    ids=["nickname", "recorded-alias", "typed-alias"],
)
def test_variants_and_aliases_count_as_matches(
    asa: User, case: Case, recorded: Name, typed: Name
) -> None:
    first, last, alias = recorded
    person, _ = _recorded(asa, first, last, aliases=(alias,) if alias else ())
    client = signed_in(asa)
    before = _counts()

    page = client.post(
        add_url(case), new_person_form(first_name=typed[0], last_name=typed[1], aliases=typed[2])
    ).content.decode()

    assert WARNING in page
    assert person.full_name in page
    assert _counts() == before


def test_confirming_a_different_person_records_them(asa: User, case: Case) -> None:
    jordan, _ = _recorded(asa, "Jordan", "Vale", born=dt.date(1961, 5, 2))
    client = signed_in(asa)
    warned = client.post(add_url(case), new_person_form()).content.decode()
    [confirm] = _hidden_inputs(warned, "new-form")
    assert confirm["new-shown"] == str(jordan.pk)

    response = client.post(
        add_url(case),
        {**new_person_form(), "new-different": "on", "new-shown": confirm["new-shown"]},
    )

    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.pk}/#participants-h"
    added = Participant.objects.select_related("person").get(case=case)
    assert added.person != jordan
    assert (added.person.full_name, added.person.date_of_birth) == (
        "Jordan Vale",
        dt.date(1982, 11, 4),
    )
    assert Person.objects.filter(first_name="Jordan", last_name="Vale").count() == 2
    # The decision is on the record: whom the user was shown and said this is not.
    created = AuditEntry.objects.get(
        action=AuditAction.PERSON_CREATED, subject_id=str(added.person.pk)
    )
    assert created.after is not None
    assert created.after["duplicates_overridden"] == [jordan.pk]


def test_a_person_recorded_without_a_warning_has_no_override_on_record(
    asa: User, case: Case
) -> None:
    response = signed_in(asa).post(add_url(case), new_person_form())
    assert response.status_code == 302
    person = Participant.objects.get(case=case).person
    created = AuditEntry.objects.get(action=AuditAction.PERSON_CREATED, subject_id=str(person.pk))
    assert created.after is not None
    assert "duplicates_overridden" not in created.after


def test_a_confirmation_covers_only_the_people_shown(asa: User, case: Case) -> None:
    jordan, _ = _recorded(asa, "Jordan", "Vale")
    client = signed_in(asa)
    # Ticking the box without having been shown the match, or after someone else has come to
    # match, shows the warning again.
    unseen = client.post(add_url(case), {**new_person_form(), "new-different": "on"})
    assert WARNING in unseen.content.decode()
    other, _ = _recorded(asa, "Jordy", "Vale", title="A third case")
    before = _counts()
    stale = client.post(
        add_url(case), {**new_person_form(), "new-different": "on", "new-shown": str(jordan.pk)}
    )

    assert stale.status_code == 200
    page = stale.content.decode()
    assert WARNING in page
    assert "Jordy Vale" in page
    assert _counts() == before
    [confirm] = _hidden_inputs(page, "new-form")
    assert sorted(confirm["new-shown"].split(",")) == sorted([str(jordan.pk), str(other.pk)])


def test_add_this_person_instead_adds_the_recorded_person(asa: User, case: Case) -> None:
    jordan, _ = _recorded(asa, "Jordan", "Vale", born=dt.date(1982, 11, 4))
    client = signed_in(asa)
    warned = client.post(
        add_url(case), new_person_form(role=ParticipantRole.WITNESS, occurred_at="2019-02-01T17:30")
    ).content.decode()
    [add_instead] = _hidden_inputs(warned, "add-instead")
    people = Person.objects.count()

    response = client.post(add_url(case), add_instead, follow=True)

    assert response.redirect_chain[-1][0] == f"/cases/{case.pk}/#participants-h"
    participant = Participant.objects.get(case=case)
    assert participant.person == jordan
    assert participant.role == ParticipantRole.WITNESS
    assert Person.objects.count() == people
    assert "Jordan Vale added to the case as witness." in response.content.decode()


def test_someone_already_on_the_case_is_shown_without_an_add_button(asa: User, case: Case) -> None:
    add_participant(case, actor=asa, first_name="Jordan", last_name="Vale")

    page = signed_in(asa).post(add_url(case), new_person_form()).content.decode()

    assert WARNING in page
    assert "already a participant in this case" in page
    assert not _hidden_inputs(page, "add-instead")


def _screened_from(asa: User, screened: User) -> Case:
    hidden = make_case(actor=asa, title="People v. Cal Dunmore")
    add_participant(
        hidden, actor=asa, first_name="Cal", last_name="Dunmore", aliases=["Calvin Dunmore"]
    )
    screen_from(hidden.pk, screened)
    return hidden


def test_a_person_only_on_a_hidden_case_is_never_listed(asa: User, case: Case) -> None:
    screened = make_user(role=Role.ASSISTANT_STATES_ATTORNEY)
    hidden = _screened_from(asa, screened)
    mine = make_case(actor=screened, title="A case the screened prosecutor works on")
    dunmore = {"first_name": "Calvin", "last_name": "Dunmore", "date_of_birth": ""}

    # The person and their case stay hidden: the new record is made without a warning.
    response = signed_in(screened).post(add_url(mine), new_person_form(**dunmore), follow=True)
    page = response.content.decode()
    assert WARNING not in page
    assert hidden.number not in page
    assert Participant.objects.filter(case=mine, person__first_name="Calvin").exists()

    # Someone who may see the hidden case is warned about both records.
    warned = signed_in(asa).post(add_url(case), new_person_form(**dunmore)).content.decode()
    assert WARNING in warned
    assert hidden.number in warned
    assert warned.count('data-testid="duplicate-match"') == 2


def test_a_person_on_a_hidden_and_a_visible_case_shows_only_the_visible_one(
    asa: User, case: Case
) -> None:
    screened = make_user(role=Role.ASSISTANT_STATES_ATTORNEY)
    hidden = _screened_from(asa, screened)
    cal = Participant.objects.get(case=hidden).person
    visible = make_case(actor=asa, title="Another matter")
    services.participant_add(
        actor=asa, case_id=visible.pk, person=cal, role=ParticipantRole.WITNESS
    )
    mine = make_case(actor=screened, title="A case the screened prosecutor works on")

    page = (
        signed_in(screened)
        .post(add_url(mine), new_person_form(first_name="Cal", last_name="Dunmore"))
        .content.decode()
    )

    assert WARNING in page
    assert f"{visible.number} (Witness)" in page
    assert hidden.number not in page


def test_an_appointee_is_not_warned_about_a_sealed_case_outside_the_appointment(
    asa: User, case: Case
) -> None:
    appointee = make_user(role=Role.SPECIAL_PROSECUTOR)
    appoint(case, appointee)
    _, sealed = _recorded(asa, "Jordan", "Vale", aliases=("J. Vale",))
    seal(sealed, actor=asa)

    response = signed_in(appointee).post(add_url(case), new_person_form(aliases="J. Vale"))

    assert response.status_code == 302
    assert Participant.objects.filter(case=case, person__first_name="Jordan").exists()
    # A prosecutor of the office, who may read the sealed case, is warned.
    other = make_case(actor=asa, title="Another matter")
    assert WARNING in signed_in(asa).post(add_url(other), new_person_form()).content.decode()


def test_a_name_without_a_match_is_recorded_at_once(asa: User, case: Case) -> None:
    # Same surname, another given name (not a variant); same given name, another surname.
    _recorded(asa, "Jordan", "Vale")
    _recorded(asa, "Reese", "Dunmore")
    client = signed_in(asa)

    for first, last in (("Reese", "Vale"), ("Jordan", "Dunmore")):
        response = client.post(add_url(case), new_person_form(first_name=first, last_name=last))
        assert response.status_code == 302, response.content.decode()
        assert Participant.objects.filter(
            case=case, person__first_name=first, person__last_name=last
        ).exists()


def test_names_are_escaped_in_the_warning(asa: User, case: Case) -> None:
    script = "<script>alert(1)</script>"
    _recorded(asa, script, "Vale", aliases=(f"<b>{script}</b> Vale",))

    page = (
        signed_in(asa)
        .post(add_url(case), new_person_form(first_name=script, last_name="Vale"))
        .content.decode()
    )

    assert WARNING in page
    assert script not in page
    assert "<b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Vale" in page
    assert "also known as &lt;b&gt;&lt;script&gt;" in page
