"""The /search/ page and GET /api/search: validated input, the same hits as the selector."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.api.factories import token_client
from tests.search.factories import OTHER_NUMBER, VALE_NUMBER, make_office, send

pytestmark = pytest.mark.django_db


def _page(user_client: Client, **params: str | list[str]) -> str:
    response = user_client.get(reverse("search"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_shows_highlighted_escaped_hits_and_paginates() -> None:
    office = make_office()
    for number in range(21):
        send(office.raman, [office.keogh], f"<b>footage</b> review {number}")
    client = Client()
    client.force_login(office.raman)
    html = _page(client, q="footage review", kinds=["message"])
    assert "21 results · page 1 of 2" in html
    # SQLite's snippet keeps the markup (escaped); PostgreSQL's headline drops tags.
    assert "<mark>footage</mark>" in html
    assert "<b>" not in html.split('data-testid="search-results"')[1]
    assert 'rel="next"' in html
    last = _page(client, q="footage review", kinds=["message"], page="2")
    assert "page 2 of 2" in last
    assert 'rel="prev"' in last
    assert 'rel="next"' not in last


def test_the_page_validates_and_never_widens_a_search_to_hidden_cases() -> None:
    office = make_office()
    client = Client()
    client.force_login(office.raman)
    assert "This field is required" in _page(client, q="")
    assert "end date is before" in _page(
        client, q="x", date_from="2019-05-01", date_to="2019-01-01"
    )
    assert "No case you may see" in _page(client, q="footage", case_numbers="2000-XX-1")
    html = _page(client, q="footage", case_numbers=OTHER_NUMBER)
    assert OTHER_NUMBER in html
    assert "1 result" in html


def test_the_page_reports_sealed_cases_as_withheld() -> None:
    office = make_office()
    from tests.search.test_search import _seal  # noqa: PLC0415  (one sealing helper)

    _seal(office)
    client = Client()
    client.force_login(office.records)
    html = _page(client, q="footage")
    withheld = html[html.index('data-testid="search-withheld"') :].split("</p>")[0]
    assert VALE_NUMBER in withheld
    assert "20 ILCS 2630/13(c)" in withheld
    assert f'href="/cases/{office.vale_case.pk}/"' not in html


def test_the_api_returns_hits_and_withholding_and_rejects_bad_input() -> None:
    office = make_office()
    client = token_client(office.raman)
    response = client.get("/api/search", {"q": "footage", "kinds": ["event", "case"]})
    assert response.status_code == 200
    body = response.json()
    assert (body["total"], body["total_is_lower_bound"], body["newest_first"]) == (2, False, False)
    assert {item["case_number"] for item in body["items"]} == {VALE_NUMBER, OTHER_NUMBER}
    assert all("<mark>" in item["snippet_html"] for item in body["items"])
    by_person = client.get("/api/search", {"q": "footage", "people": ["Tina Vale"]}).json()
    assert [item["case_number"] for item in by_person["items"]] == [VALE_NUMBER]
    for bad in (
        {"q": ""},
        {"q": "x", "kinds": "nonsense"},
        {"q": "x", "page": "0"},
        {"q": "x", "case_ids": "-1"},
        {"q": "x", "date_from": "2019-13-01"},
    ):
        assert client.get("/api/search", bad).status_code == 422, bad
    assert Client().get("/api/search", {"q": "footage"}).status_code == 401
