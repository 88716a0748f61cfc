"""GET /api/cases: search, filters, pagination and what each role gets to see."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evenhand.accounts.models import Role
from evenhand.cases.models import CaseStatus, ParticipantRole

from .factories import add_person, file_counts, make_case, make_user, put_on_team, token_client

pytestmark = pytest.mark.django_db


def _numbers(response_json: dict[str, object]) -> list[str]:
    items = response_json["items"]
    assert isinstance(items, list)
    return [item["number"] for item in items]


def test_lists_newest_first_with_counts() -> None:
    asa = make_user()
    older = make_case(asa, received_on=dt.date(2023, 5, 1))
    newer = make_case(asa, received_on=dt.date(2024, 5, 1))
    add_person(asa, newer)

    response = token_client(asa).get("/api/cases")

    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 2
    assert (body["page"], body["page_size"]) == (1, 25)
    assert _numbers(body) == [newer.number, older.number]
    first = body["items"][0]
    assert first["participant_count"] == 1
    assert first["status"] == CaseStatus.INTAKE
    assert first["received_on"] == "2024-05-01"


def test_search_finds_number_name_alias_and_statute() -> None:
    asa = make_user()
    by_number = make_case(asa, number="2024-CR-424242")
    by_name = make_case(asa)
    add_person(asa, by_name, first_name="Quentin", last_name="Marchetti")
    by_alias = make_case(asa)
    add_person(asa, by_alias, last_name="Smith", aliases=["Big Sal"])
    by_statute = make_case(asa)
    file_counts(asa, add_person(asa, by_statute, last_name="Jones"), statute_key="720-5/19-1(a)")
    make_case(asa)  # matches nothing
    client = token_client(asa)

    def search(q: str) -> list[str]:
        response = client.get("/api/cases", {"q": q})
        assert response.status_code == 200
        return _numbers(response.json())

    assert search("424242") == [by_number.number]
    assert search("quentin marchetti") == [by_name.number]
    assert search("big sal") == [by_alias.number]
    assert search("19-1") == [by_statute.number]
    assert search("nobody-at-all") == []


def test_filters_by_status_class_statute_and_mine() -> None:
    asa = make_user()
    colleague = make_user()
    charged = make_case(asa)
    file_counts(asa, add_person(asa, charged), statute_key="720-5/18-1(a)")  # robbery, class 2
    other_charged = make_case(asa)
    file_counts(asa, add_person(asa, other_charged), statute_key="720-5/12-3.05")
    intake = make_case(asa)
    put_on_team(asa, intake, colleague)
    client = token_client(colleague)

    def listed(**params: str) -> set[str]:
        response = client.get("/api/cases", params)
        assert response.status_code == 200, response.json()
        return set(_numbers(response.json()))

    assert listed(status="charged") == {charged.number, other_charged.number}
    assert listed(status="intake") == {intake.number}
    assert listed(offense_class="2") == {charged.number}
    assert listed(statute_key="720-5/12-3.05") == {other_charged.number}
    assert listed(mine="true") == {intake.number}
    assert listed(mine="true", status="charged") == set()


def test_amended_away_statute_no_longer_matches_the_statute_filter() -> None:
    asa = make_user()
    case = make_case(asa)
    [charge] = file_counts(asa, add_person(asa, case), statute_key="720-5/12-3")
    client = token_client(asa)
    amend = client.post(
        f"/api/cases/{case.pk}/charges/{charge.pk}/amend",
        {"statute_key": "720-5/12-3.05", "reason": "injury was serious"},
        content_type="application/json",
    )
    assert amend.status_code == 201

    assert client.get("/api/cases", {"statute_key": "720-5/12-3"}).json()["total"] == 0
    assert client.get("/api/cases", {"statute_key": "720-5/12-3.05"}).json()["total"] == 1


def test_pagination() -> None:
    asa = make_user()
    cases = [make_case(asa, received_on=dt.date(2024, 1, day)) for day in range(1, 6)]
    client = token_client(asa)

    page2 = client.get("/api/cases", {"page": 2, "page_size": 2}).json()
    page3 = client.get("/api/cases", {"page": 3, "page_size": 2}).json()
    beyond = client.get("/api/cases", {"page": 9, "page_size": 2}).json()

    assert page2["total"] == 5
    assert _numbers(page2) == [cases[2].number, cases[1].number]
    assert _numbers(page3) == [cases[0].number]
    assert beyond["items"] == []
    assert beyond["total"] == 5


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page_size": 101}, "page_size"),
        ({"page_size": 0}, "page_size"),
        ({"page": 0}, "page"),
        ({"page": "two"}, "page"),
        ({"status": "arrested"}, "status"),
        ({"mine": "perhaps"}, "mine"),
        ({"q": "x" * 201}, "q"),
        ({"offense_class": "ABCDE"}, "offense_class"),
    ],
)
def test_bad_list_parameters_are_422_naming_the_parameter(
    params: dict[str, str | int], field: str
) -> None:
    response = token_client(make_user()).get("/api/cases", params)

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", field]


def test_special_prosecutor_lists_only_appointed_cases() -> None:
    asa = make_user()
    special = make_user(Role.SPECIAL_PROSECUTOR)
    appointed = make_case(asa)
    make_case(asa)
    put_on_team(asa, appointed, special)

    body = token_client(special).get("/api/cases").json()

    assert body["total"] == 1
    assert _numbers(body) == [appointed.number]


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.SPECIAL_PROSECUTOR])
def test_roles_without_case_access_list_nothing(role: Role) -> None:
    asa = make_user()
    make_case(asa)

    body = token_client(make_user(role)).get("/api/cases").json()

    assert body == {"items": [], "total": 0, "page": 1, "page_size": 25}


def test_query_count_does_not_grow_with_results() -> None:
    asa = make_user()
    client = token_client(asa)

    def queries_for_listing() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/cases", {"q": "doe"}).status_code == 200
        return len(captured)

    case = make_case(asa)
    add_person(asa, case, role=ParticipantRole.VICTIM)
    few = queries_for_listing()
    for _ in range(6):
        add_person(asa, make_case(asa))
    many = queries_for_listing()

    assert client.get("/api/cases", {"q": "doe"}).json()["total"] == 7
    assert many == few
