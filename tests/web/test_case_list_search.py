"""The case list's search and count: names by the start of a word, aliases anywhere, the policy
applied to every match, and a count that stops at a limit."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from evenhand.accounts.models import Role, User
from evenhand.cases.models import Case
from evenhand.screening.models import ScreenKind
from evenhand.screening.services import screen_raise
from evenhand.web import views
from tests.factories import add_participant, make_case, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def asa() -> User:
    return make_user(role=Role.ASSISTANT_STATES_ATTORNEY, username="praman")


def _numbers(client: Client, **params: str) -> list[str]:
    response = client.get(reverse("case-list"), params)
    assert response.status_code == 200
    return [case.number for case in response.context["page"].object_list]


def _case_with(actor: User, first: str, last: str, aliases: tuple[str, ...] = ()) -> Case:
    # A title that names nobody, so that only the participant can match.
    case = make_case(actor=actor, title="Intake")
    add_participant(case, actor=actor, first_name=first, last_name=last, aliases=aliases)
    return case


def test_a_word_matches_the_start_of_a_first_or_last_name(client: Client, asa: User) -> None:
    vale = _case_with(asa, "Jordan", "Vale")
    valencia = _case_with(asa, "Maria", "Valencia")
    _case_with(asa, "Ruth", "Duvall")
    client.force_login(asa)
    assert sorted(_numbers(client, q="val")) == sorted([vale.number, valencia.number])
    assert _numbers(client, q="JORD") == [vale.number]
    # Within a name is not a match (the indexes answer the start of a name only) ...
    assert _numbers(client, q="ordan") == []
    # ... and every word must match the same person.
    assert _numbers(client, q="maria vale") == [valencia.number]
    assert _numbers(client, q="jordan valencia") == []


def test_an_alias_matches_anywhere_in_it(client: Client, asa: User) -> None:
    sal = _case_with(asa, "Salvatore", "Brightwater", aliases=("Big Sal",))
    client.force_login(asa)
    assert _numbers(client, q="sal") == [sal.number]
    assert _numbers(client, q="big sal") == [sal.number]


def test_a_screened_case_is_not_found_by_name(client: Client, asa: User) -> None:
    screened = _case_with(asa, "Jordan", "Vale")
    open_case = _case_with(asa, "Jordan", "Valeska")
    head = make_user(role=Role.FIRST_ASSISTANT)
    screen_raise(
        actor=head,
        kind=ScreenKind.EXCLUSIONARY,
        users=[asa],
        case_ids=[screened.pk],
        reason="Former defence counsel.",
        memo="Screened.",
    )
    client.force_login(asa)
    assert _numbers(client, q="vale") == [open_case.number]


def test_the_count_stops_at_the_limit(
    client: Client, asa: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "COUNT_LIMIT", 3)
    cases = [make_case(actor=asa) for _ in range(5)]
    client.force_login(asa)
    response = client.get(reverse("case-list"))
    html = response.content.decode()
    assert "3+ cases: the first 3 are listed" in html
    assert len(response.context["page"].object_list) == 3
    assert response.context["page"].paginator.capped
    # Under the limit the count is exact.
    only = _numbers(client, q=cases[0].number)
    assert only == [cases[0].number]
    assert "1 case</p>" in client.get(reverse("case-list"), {"q": cases[0].number}).content.decode()
