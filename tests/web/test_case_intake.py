"""Putting people and events on a case from its page: participants (found or new),
relationships, events; what a screened user can learn from the person search; validation,
CSRF, escaping and audit entries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from evenhand.accounts.models import Role, User
from evenhand.audit.models import AuditAction, AuditEntry
from evenhand.cases import services
from evenhand.cases.models import (
    Case,
    CaseEvent,
    CaseEventKind,
    Participant,
    ParticipantRole,
    ParticipantRoleChange,
    Person,
    Relationship,
    RelationshipKind,
)
from evenhand.screening.models import ConflictFlag
from tests.factories import add_participant, make_case, make_person, make_user, screen_from
from tests.web.participant_forms import (
    REPORTED,
    add_url,
    new_person_form,
    signed_in,
)

pytestmark = pytest.mark.django_db

ALIASES = "J. Vale\n\nJ. Vale\nJV"


def _new_person(**fields: str) -> dict[str, str]:
    return new_person_form(**{"aliases": ALIASES, **fields})


def _entries(action: AuditAction, **filters: object) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action, **filters))


def test_a_new_person_joins_the_case_with_role_time_aliases_and_audit(
    asa: User, case: Case
) -> None:
    response = signed_in(asa).post(add_url(case), _new_person(), follow=True)

    assert response.redirect_chain[-1][0] == f"/cases/{case.pk}/#participants-h"
    participant = Participant.objects.select_related("person").get(case=case)
    person = participant.person
    assert (person.full_name, person.date_of_birth) == ("Jordan Vale", dt.date(1982, 11, 4))
    assert sorted(person.aliases.values_list("name", flat=True)) == ["J. Vale", "JV"]
    assert participant.role == ParticipantRole.VICTIM
    first_role = ParticipantRoleChange.objects.get(participant=participant)
    assert timezone.localtime(first_role.changed_at).strftime("%Y-%m-%dT%H:%M") == REPORTED
    assert _entries(AuditAction.PERSON_CREATED, subject_id=str(person.pk))
    added = _entries(AuditAction.PARTICIPANT_ADDED, case_id=case.pk)
    assert [entry.actor_id for entry in added] == [asa.pk]
    page = response.content.decode()
    assert "Jordan Vale added to the case as victim." in page
    assert "The conflict check has run." in page
    assert "Victim" in page


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"occurred_at": "2999-01-01T10:00"}, "Joining the case cannot be in the future."),
        ({"first_name": "   "}, "This field is required."),
        ({"date_of_birth": "2999-01-01"}, "A date of birth cannot be in the future."),
        ({"role": "mastermind"}, "Select a valid choice."),
        ({"aliases": "x" * 201}, "An alias is at most 200 characters."),
    ],
)
def test_invalid_new_person_is_refused_and_the_form_keeps_the_input(
    asa: User, case: Case, fields: dict[str, str], error: str
) -> None:
    before = Person.objects.count()
    response = signed_in(asa).post(add_url(case), _new_person(middle_name="Quentin", **fields))

    assert response.status_code == 200
    page = response.content.decode()
    assert error in page
    assert 'value="Quentin"' in page
    assert Person.objects.count() == before
    assert not Participant.objects.filter(case=case).exists()


def test_the_person_is_not_left_behind_when_adding_them_fails(asa: User, case: Case) -> None:
    # A person already on the case cannot be added twice; a new person is not recorded either.
    add_participant(case, actor=asa, first_name="Jordan", last_name="Vale")
    people = Person.objects.count()
    existing = Participant.objects.get(case=case).person
    client = signed_in(asa)
    response = client.post(
        f"{add_url(case)}?q=Vale",
        {
            "form": "existing",
            "existing-person": str(existing.pk),
            "existing-role": ParticipantRole.SUSPECT,
            "existing-occurred_at": REPORTED,
        },
    )
    assert response.status_code == 200
    assert "already a participant" in response.content.decode()
    assert Participant.objects.filter(case=case).count() == 1
    assert Person.objects.count() == people


def test_an_existing_person_is_found_by_alias_and_added(asa: User, case: Case) -> None:
    earlier = make_case(actor=asa, title="An earlier case")
    jordan = add_participant(
        earlier, actor=asa, first_name="Jordan", last_name="Vale", aliases=["Jay Vale"]
    ).person
    client = signed_in(asa)

    search = client.get(add_url(case), {"q": "jay"}).content.decode()
    assert "Jordan Vale" in search
    assert f"{earlier.number} (Defendant)" in search

    response = client.post(
        f"{add_url(case)}?q=jay",
        {
            "form": "existing",
            "existing-person": str(jordan.pk),
            "existing-role": ParticipantRole.DEFENDANT,
            "existing-occurred_at": "2020-02-11T09:00",
        },
    )
    assert response.status_code == 302
    assert Participant.objects.get(case=case).person == jordan
    assert Person.objects.filter(first_name="Jordan").count() == 1


def test_nobody_found_says_so(asa: User, case: Case) -> None:
    page = signed_in(asa).get(add_url(case), {"q": "Nobody"}).content.decode()
    assert 'data-testid="nobody-found"' in page


def _walled_off(asa: User, screened: User) -> Case:
    """A case the screened ASA may not see, with Cal Dunmore on it."""
    hidden = make_case(actor=asa, title="People v. Cal Dunmore")
    cal = add_participant(hidden, actor=asa, first_name="Cal", last_name="Dunmore").person
    services.relationship_add(
        actor=asa,
        from_person=make_person(actor=asa, first_name="Reese", last_name="Dunmore"),
        to_person=cal,
        kind=RelationshipKind.RELATIVE_OF,
    )
    screen_from(hidden.pk, screened)
    return hidden


def test_a_screened_user_cannot_find_people_of_the_hidden_case(asa: User, case: Case) -> None:
    screened = make_user(role=Role.ASSISTANT_STATES_ATTORNEY)
    hidden = _walled_off(asa, screened)
    client = signed_in(screened)

    for query in ("Dunmore", "Cal", "Reese"):
        page = client.get(add_url(case), {"q": query}).content.decode()
        assert "Cal Dunmore" not in page
        assert "Reese Dunmore" not in page
        assert 'data-testid="nobody-found"' in page
    # Another user finds them: the search, not the data, is what hides them.
    assert "Cal Dunmore" in signed_in(asa).get(add_url(case), {"q": "Dunmore"}).content.decode()

    # Posting a hidden person's id directly is refused like any unknown choice.
    cal = Participant.objects.get(case=hidden).person
    response = client.post(
        f"{add_url(case)}?q=Dunmore",
        {
            "form": "existing",
            "existing-person": str(cal.pk),
            "existing-role": ParticipantRole.WITNESS,
            "existing-occurred_at": REPORTED,
        },
    )
    assert response.status_code == 200
    assert "Choose one of the people found." in response.content.decode()
    assert not Participant.objects.filter(case=case).exists()


def test_a_person_on_a_hidden_and_a_visible_case_shows_only_the_visible_one(
    asa: User, case: Case
) -> None:
    screened = make_user(role=Role.ASSISTANT_STATES_ATTORNEY)
    hidden = _walled_off(asa, screened)
    cal = Participant.objects.get(case=hidden).person
    visible = make_case(actor=asa, title="Another matter")
    services.participant_add(
        actor=asa, case_id=visible.pk, person=cal, role=ParticipantRole.WITNESS
    )

    page = signed_in(screened).get(add_url(case), {"q": "Cal"}).content.decode()
    assert "Cal Dunmore" in page
    assert f"{visible.number} (Witness)" in page
    assert hidden.number not in page


def test_the_page_refuses_hidden_and_read_only_cases(asa: User, case: Case) -> None:
    screened = make_user(role=Role.ASSISTANT_STATES_ATTORNEY)
    hidden = _walled_off(asa, screened)
    inspector = make_user(role=Role.INSPECTOR_GENERAL)
    for name in ("case-participant-add", "case-relationships", "case-event"):
        assert signed_in(screened).get(reverse(name, args=[hidden.pk])).status_code == 404
        assert signed_in(inspector).get(reverse(name, args=[case.pk])).status_code == 403
        assert signed_in(asa).get(reverse(name, args=[case.pk + 1000])).status_code == 404
    assert signed_in(screened).post(add_url(hidden), _new_person()).status_code == 404
    assert not Participant.objects.filter(case=hidden, person__first_name="Jordan").exists()


def test_forms_refuse_posts_without_csrf(asa: User, case: Case) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(asa)
    assert client.post(add_url(case), _new_person()).status_code == 403
    event = {"kind": "arrest", "occurred_at": REPORTED, "summary": "Arrested."}
    assert client.post(reverse("case-event", args=[case.pk]), event).status_code == 403
    assert not Participant.objects.filter(case=case).exists()


def test_names_are_escaped_in_search_results_and_forms(asa: User, case: Case) -> None:
    add_participant(case, actor=asa, first_name="<script>alert(1)</script>", last_name="Vale")
    client = signed_in(asa)
    for page in (
        client.get(add_url(case), {"q": "Vale"}).content.decode(),
        client.get(reverse("case-relationships", args=[case.pk])).content.decode(),
    ):
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_relative_recorded_and_contacted_raises_the_flag_for_the_head_of_office(
    asa: User, case: Case
) -> None:
    whitlock = make_user(role=Role.STATES_ATTORNEY, first_name="Dana", last_name="Whitlock")
    jordan = add_participant(
        case, actor=asa, role=ParticipantRole.VICTIM, first_name="Jordan", last_name="Vale"
    ).person
    tina = add_participant(
        case, actor=asa, role=ParticipantRole.RELATIVE, first_name="Tina", last_name="Vale"
    ).person
    relationships = reverse("case-relationships", args=[case.pk])
    client = signed_in(asa)

    same = client.post(
        relationships, {"from_person": tina.pk, "kind": "relative_of", "to_person": tina.pk}
    )
    assert "Choose two different people." in same.content.decode()
    response = client.post(
        relationships,
        {"from_person": tina.pk, "kind": "relative_of", "to_person": jordan.pk, "note": "aunt"},
        follow=True,
    )
    page = response.content.decode()
    assert "Recorded: Tina Vale is a relative of Jordan Vale." in page
    assert 'Tina Vale is a relative of Jordan Vale <span class="reason">(aunt)</span>' in page
    assert Relationship.objects.filter(from_person=tina, to_person=jordan).exists()
    assert _entries(AuditAction.RELATIONSHIP_ADDED)
    again = client.post(
        relationships, {"from_person": tina.pk, "kind": "relative_of", "to_person": jordan.pk}
    )
    assert again.status_code == 200
    assert "already exists" in again.content.decode()

    contact = signed_in(whitlock).post(
        reverse("case-contact", args=[case.pk]),
        {
            "staff": whitlock.pk,
            "person": tina.pk,
            "channel": "text",
            "occurred_at": "2019-02-01 18:00",
            "summary": "Tina Vale asks about the investigation.",
        },
        follow=True,
    )
    flag = ConflictFlag.objects.get(case=case, staff=whitlock)
    assert "Tina Vale, who is a relative of Jordan Vale" in flag.basis
    assert f"1 new potential conflict(s) flagged on {case.number}" in contact.content.decode()
    # The rest of the team is not told whose conflict was flagged.
    detail = client.get(reverse("case-detail", args=[case.pk])).content.decode()
    assert "Tina Vale, who is a relative" not in detail


def test_events_are_recorded_with_kind_time_and_audit(asa: User, case: Case) -> None:
    url = reverse("case-event", args=[case.pk])
    client = signed_in(asa)
    form = client.get(url).content.decode()
    assert 'value="charge_filed"' not in form
    assert 'value="arrest"' in form

    refused = client.post(
        url, {"kind": "arrest", "occurred_at": "2999-02-13T21:00", "summary": "Arrested."}
    )
    assert "An event cannot be in the future." in refused.content.decode()
    assert 'value="Arrested."' in refused.content.decode() or "Arrested.</textarea>" in (
        refused.content.decode()
    )
    assert (
        client.post(
            url, {"kind": "charge_filed", "occurred_at": REPORTED, "summary": "x"}
        ).status_code
        == 200
    )
    assert not CaseEvent.objects.filter(case=case, kind=CaseEventKind.CHARGE_FILED).exists()

    response = client.post(
        url,
        {
            "kind": "arrest",
            "occurred_at": "2019-02-13T21:00",
            "summary": "Cal and Reese Dunmore arrested on return from travel.",
        },
        follow=True,
    )
    event = CaseEvent.objects.get(case=case, kind=CaseEventKind.ARREST)
    assert timezone.localtime(event.occurred_at).hour == 21
    assert _entries(AuditAction.CASE_EVENT_RECORDED, case_id=case.pk)
    assert "Cal and Reese Dunmore arrested" in response.content.decode()


def test_the_case_page_links_the_forms_for_editors_only(asa: User, case: Case) -> None:
    links = (
        reverse("case-edit", args=[case.pk]),
        reverse("case-participant-add", args=[case.pk]),
        reverse("case-relationships", args=[case.pk]),
        reverse("case-event", args=[case.pk]),
    )
    editor_page = signed_in(asa).get(reverse("case-detail", args=[case.pk])).content.decode()
    auditor_page = (
        signed_in(make_user(role=Role.AUDITOR))
        .get(reverse("case-detail", args=[case.pk]))
        .content.decode()
    )
    for link in links:
        assert f'href="{link}"' in editor_page
        assert f'href="{link}"' not in auditor_page


def test_a_role_change_keeps_when_it_happened_and_cannot_precede_the_present_role(
    asa: User, case: Case
) -> None:
    vale = services.participant_add(
        actor=asa,
        case_id=case.pk,
        person=make_person(actor=asa, first_name="Jordan", last_name="Vale"),
        role=ParticipantRole.VICTIM,
        occurred_at=dt.datetime(2019, 1, 29, 15, tzinfo=dt.UTC),
    )
    url = reverse("case-role", args=[case.pk])
    change = {"participant": vale.pk, "role": "suspect", "reason": "Evidence of staging"}
    client = signed_in(asa)

    early = client.post(url, {**change, "occurred_at": "2019-01-20T12:00"})
    assert "a change cannot come before it" in early.content.decode()
    future = client.post(url, {**change, "occurred_at": "2999-01-20T12:00"})
    assert "A role change cannot be in the future." in future.content.decode()
    vale.refresh_from_db()
    assert vale.role == ParticipantRole.VICTIM

    page = client.post(url, {**change, "occurred_at": "2019-02-16T12:00"}, follow=True)
    assert "2019-02-16: Victim → Suspect" in page.content.decode()
    assert _entries(AuditAction.PARTICIPANT_ROLE_CHANGED, case_id=case.pk)


def test_the_title_and_summary_are_edited_and_audited(asa: User, case: Case) -> None:
    url = reverse("case-edit", args=[case.pk])
    client = signed_in(asa)
    assert 'value="Report of an attack on Jordan Vale"' in client.get(url).content.decode()
    assert "This field is required." in client.post(url, {"title": " "}).content.decode()

    client.post(url, {"title": "People v. Jordan Vale", "summary": "The report was staged."})
    case.refresh_from_db()
    assert (case.title, case.summary) == ("People v. Jordan Vale", "The report was staged.")
    [entry] = _entries(AuditAction.CASE_UPDATED, case_id=case.pk)
    assert entry.after is not None
    auditor = signed_in(make_user(role=Role.AUDITOR))
    assert auditor.post(url, {"title": "Renamed"}).status_code == 403
