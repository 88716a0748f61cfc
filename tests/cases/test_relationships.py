"""A relationship between people recorded from a case: judged by the one access policy, and its
audit entry filed under the case, so it is on the case's audit trail. Recorded without a case,
the entry belongs to no case."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from evenhand.accounts.models import Role, User
from evenhand.audit.models import AuditAction, AuditEntry
from evenhand.cases import services
from evenhand.cases.models import Case, ParticipantRole, Person, Relationship, RelationshipKind
from evenhand.cases.selectors import case_audit_trail
from evenhand.screening.models import ScreenKind
from evenhand.screening.policies import CaseActionDeniedError, CaseNotFoundError
from evenhand.screening.services import screen_raise
from tests.factories import add_participant, json_object, make_case, make_person, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def priya() -> User:
    return make_user(role=Role.ASSISTANT_STATES_ATTORNEY, first_name="Priya", last_name="Raman")


@pytest.fixture
def case(priya: User) -> Case:
    return make_case(actor=priya, title="Report of an attack on Jordan Vale")


@pytest.fixture
def vales(priya: User, case: Case) -> tuple[Person, Person]:
    """Jordan Vale, the victim, and Tina Vale, his relative, both participants in the case."""
    jordan = add_participant(
        case, actor=priya, role=ParticipantRole.VICTIM, first_name="Jordan", last_name="Vale"
    ).person
    tina = add_participant(
        case, actor=priya, role=ParticipantRole.RELATIVE, first_name="Tina", last_name="Vale"
    ).person
    return jordan, tina


def _relationships_on_trail(user: User, case: Case) -> list[AuditEntry]:
    _, entries = case_audit_trail(user=user, case_id=case.pk)
    return list(entries.filter(action=AuditAction.RELATIONSHIP_ADDED))


def test_a_relationship_recorded_from_a_case_is_on_the_case_audit_trail(
    priya: User, case: Case, vales: tuple[Person, Person]
) -> None:
    jordan, tina = vales
    relationship = services.relationship_add(
        actor=priya,
        from_person=tina,
        to_person=jordan,
        kind=RelationshipKind.RELATIVE_OF,
        note="aunt",
        case_id=case.pk,
    )

    [entry] = _relationships_on_trail(priya, case)
    assert (entry.subject_type, entry.subject_id, entry.case_id, entry.actor) == (
        "relationship",
        str(relationship.pk),
        case.pk,
        priya,
    )
    assert json_object(entry.after) == {
        "from": tina.pk,
        "to": jordan.pk,
        "kind": RelationshipKind.RELATIVE_OF,
        "note": "aunt",
    }


def test_a_relationship_recorded_without_a_case_belongs_to_no_case(
    priya: User, case: Case, vales: tuple[Person, Person]
) -> None:
    jordan, tina = vales
    relationship = services.relationship_add(
        actor=priya, from_person=tina, to_person=jordan, kind=RelationshipKind.RELATIVE_OF
    )

    entry = AuditEntry.objects.get(
        action=AuditAction.RELATIONSHIP_ADDED, subject_id=str(relationship.pk)
    )
    assert entry.case_id is None
    assert _relationships_on_trail(priya, case) == []


def test_the_case_page_records_the_relationship_on_the_case_audit_trail(
    priya: User, case: Case, vales: tuple[Person, Person]
) -> None:
    jordan, tina = vales
    client = Client()
    client.force_login(priya)

    response = client.post(
        reverse("case-relationships", args=[case.pk]),
        {"from_person": tina.pk, "kind": "relative_of", "to_person": jordan.pk, "note": "aunt"},
    )

    assert response.status_code == 302
    relationship = Relationship.objects.get(from_person=tina, to_person=jordan)
    [entry] = _relationships_on_trail(priya, case)
    assert entry.subject_id == str(relationship.pk)


def test_a_screened_person_is_refused_as_for_a_missing_case_and_nothing_is_recorded(
    case: Case, vales: tuple[Person, Person]
) -> None:
    jordan, tina = vales
    whitlock = make_user(role=Role.STATES_ATTORNEY, first_name="Dana", last_name="Whitlock")
    screen_raise(
        actor=make_user(role=Role.FIRST_ASSISTANT, first_name="Martin", last_name="Keogh"),
        kind=ScreenKind.EXCLUSIONARY,
        users=[whitlock],
        case_ids=[case.pk],
        reason="Recused: a relative of the victim contacted her about the investigation.",
        memo="Screened.",
    )
    missing_case_id = case.pk + 1000

    for case_id in (case.pk, missing_case_id):
        with pytest.raises(CaseNotFoundError):
            services.relationship_add(
                actor=whitlock,
                from_person=tina,
                to_person=jordan,
                kind=RelationshipKind.RELATIVE_OF,
                case_id=case_id,
            )

    assert not Relationship.objects.exists()
    refusals = AuditEntry.objects.filter(
        action=AuditAction.CASE_ACCESS_REFUSED, actor=whitlock
    ).order_by("seq")
    assert [(e.subject_id, e.case_id) for e in refusals] == [
        (str(case.pk), case.pk),
        (str(missing_case_id), None),
    ]


def test_a_role_that_may_only_read_the_case_is_refused_with_or_without_it(
    case: Case, vales: tuple[Person, Person]
) -> None:
    jordan, tina = vales
    park = make_user(role=Role.RECORDS_OFFICER, first_name="Ellen", last_name="Park")

    with pytest.raises(CaseActionDeniedError):
        services.relationship_add(
            actor=park,
            from_person=tina,
            to_person=jordan,
            kind=RelationshipKind.RELATIVE_OF,
            case_id=case.pk,
        )
    with pytest.raises(PermissionDenied, match="may not record relationships"):
        services.relationship_add(
            actor=park, from_person=tina, to_person=jordan, kind=RelationshipKind.RELATIVE_OF
        )
    assert not Relationship.objects.exists()


def test_from_a_case_both_people_must_be_among_its_people(
    priya: User, case: Case, vales: tuple[Person, Person]
) -> None:
    jordan, _ = vales
    cal = make_person(actor=priya, first_name="Cal", last_name="Dunmore")

    with pytest.raises(ValidationError) as refused:
        services.relationship_add(
            actor=priya,
            from_person=cal,
            to_person=jordan,
            kind=RelationshipKind.RELATIVE_OF,
            case_id=case.pk,
        )

    assert set(refused.value.message_dict) == {"from_person"}
    assert not Relationship.objects.exists()
    assert _relationships_on_trail(priya, case) == []
