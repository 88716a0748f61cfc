"""The staff pages: case list with search, the case page, the audit trail."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evenhand.accounts.models import Role, User
from evenhand.cases import services
from evenhand.cases.models import Case, CaseStatus, ParticipantRole
from tests.factories import add_participant, make_case, make_person, make_user

pytestmark = pytest.mark.django_db

FALSE_REPORT = "720-5/26-1(a)(4)"


@pytest.fixture
def asa() -> User:
    return make_user(role=Role.ASSISTANT_STATES_ATTORNEY, username="praman")


@pytest.fixture
def client_for(client: Client):  # type: ignore[no-untyped-def]
    def login(user: User) -> Client:
        client.force_login(user)
        return client

    return login


def _vale_case(actor: User, *, participants: int = 1, counts: int = 16) -> Case:
    case = services.case_open(
        actor=actor,
        title="People v. Jordan Vale",
        received_on=dt.date(2019, 1, 29),
        number="2019-CR-000417",
    )
    vale = services.participant_add(
        actor=actor,
        case_id=case.pk,
        person=make_person(actor=actor, first_name="Jordan", last_name="Vale", aliases=["J. Vale"]),
        role=ParticipantRole.VICTIM,
    )
    services.participant_role_change(
        actor=actor,
        case_id=case.pk,
        participant_id=vale.pk,
        role=ParticipantRole.DEFENDANT,
        reason="staged attack",
    )
    for _ in range(participants - 1):
        add_participant(case, actor=actor, role=ParticipantRole.WITNESS)
    services.charges_file(
        actor=actor,
        case_id=case.pk,
        participant_id=vale.pk,
        statute_key=FALSE_REPORT,
        counts=counts,
        filed_on=dt.date(2019, 3, 7),
    )
    return case


def test_pages_need_a_login(client: Client) -> None:
    response = client.get(reverse("case-list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "query", ["2019-CR-000417", "vale", "Jordan Vale", "J. Vale", "26-1(a)(4)"]
)
def test_search_by_number_name_alias_or_statute(client_for, asa: User, query: str) -> None:  # type: ignore[no-untyped-def]
    _vale_case(asa)
    make_case(actor=asa, title="People v. Someone Else")
    response = client_for(asa).get(reverse("case-list"), {"q": query})
    assert response.status_code == 200
    cases = list(response.context["page"].object_list)
    assert [c.number for c in cases] == ["2019-CR-000417"]


def test_filters_and_pagination(client_for, asa: User) -> None:  # type: ignore[no-untyped-def]
    _vale_case(asa)
    for n in range(30):
        make_case(actor=asa, title=f"Intake {n}")
    client = client_for(asa)
    charged = client.get(reverse("case-list"), {"status": CaseStatus.CHARGED})
    assert charged.context["page"].paginator.count == 1
    by_class = client.get(reverse("case-list"), {"offense_class": "4"})
    assert by_class.context["page"].paginator.count == 1
    by_statute = client.get(reverse("case-list"), {"statute": FALSE_REPORT})
    assert by_statute.context["page"].paginator.count == 1
    page2 = client.get(reverse("case-list"), {"page": 2})
    assert page2.context["page"].number == 2
    assert len(page2.context["page"].object_list) == 6
    assert b'rel="prev"' in page2.content


def test_bad_filter_values_fall_back_to_an_unfiltered_list(client_for, asa: User) -> None:  # type: ignore[no-untyped-def]
    make_case(actor=asa)
    response = client_for(asa).get(reverse("case-list"), {"status": "bogus", "page": "x" * 50})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_htmx_search_returns_just_the_results(client_for, asa: User) -> None:  # type: ignore[no-untyped-def]
    _vale_case(asa)
    response = client_for(asa).get(reverse("case-list"), {"q": "vale"}, HTTP_HX_REQUEST="true")
    assert b"<html" not in response.content
    assert b"2019-CR-000417" in response.content


def test_case_page_shows_participants_history_charges_and_timeline(client_for, asa: User) -> None:  # type: ignore[no-untyped-def]
    case = _vale_case(asa)
    response = client_for(asa).get(reverse("case-detail", args=[case.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Jordan Vale" in html
    assert "J. Vale" in html
    assert "Victim → Defendant" in html
    assert "staged attack" in html
    assert html.count("720 ILCS 5/26-1(a)(4)") >= 16
    assert "16 current counts" in html
    assert "Charge filed" in html


def test_audit_trail_page_lists_the_case_entries(client_for, asa: User) -> None:  # type: ignore[no-untyped-def]
    case = _vale_case(asa)
    response = client_for(asa).get(reverse("case-audit", args=[case.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Charge filed" in html
    assert "Participant role changed" in html


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.SPECIAL_PROSECUTOR])
def test_forbidden_case_looks_exactly_like_a_missing_one(client_for, asa: User, role: Role) -> None:  # type: ignore[no-untyped-def]
    case = _vale_case(asa)
    client = client_for(make_user(role=role))
    for name in ("case-detail", "case-audit"):
        forbidden = client.get(reverse(name, args=[case.pk]))
        missing = client.get(reverse(name, args=[case.pk + 1000]))
        assert forbidden.status_code == missing.status_code == 404
        assert _without_csrf_tokens(forbidden.content) == _without_csrf_tokens(missing.content)
    assert client.get(reverse("case-list")).context["page"].paginator.count == 0


def _without_csrf_tokens(content: bytes) -> bytes:
    # Every response masks its CSRF token afresh; everything else must match byte for byte.
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_case_page_queries_do_not_grow_with_the_case(client_for, asa: User) -> None:  # type: ignore[no-untyped-def]
    small = _vale_case(asa, participants=1, counts=1)
    client = client_for(asa)
    small_count = _queries(client, reverse("case-detail", args=[small.pk]))
    big = services.case_open(actor=asa, title="Big", received_on=dt.date(2019, 5, 1))
    for _ in range(12):
        defendant = add_participant(big, actor=asa, aliases=["alias one", "alias two"])
        services.charges_file(
            actor=asa,
            case_id=big.pk,
            participant_id=defendant.pk,
            statute_key=FALSE_REPORT,
            counts=5,
            filed_on=dt.date(2019, 5, 2),
        )
    assert _queries(client, reverse("case-detail", args=[big.pk])) == small_count


def test_case_list_queries_do_not_grow_with_the_data(client_for, asa: User) -> None:  # type: ignore[no-untyped-def]
    client = client_for(asa)
    make_case(actor=asa)
    few = _queries(client, reverse("case-list"))
    for _ in range(40):
        case = make_case(actor=asa)
        add_participant(case, actor=asa)
    assert _queries(client, reverse("case-list")) == few
    assert _queries(client, reverse("case-list") + "?q=a") == _queries(
        client, reverse("case-list") + "?q=b"
    )
