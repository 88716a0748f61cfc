"""The records officer's search pages through every responsive record and says when the
count stopped short, so no record of a request is missed behind the first page."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from evenhand.audit.models import AuditAction, AuditEntry
from evenhand.records_requests.views import request_page
from evenhand.search import selectors
from tests.factories import json_object
from tests.search.factories import make_office, send

from .factories import make_records_request

pytestmark = pytest.mark.django_db


def _page(client: Client, request_id: int, page: int | None = None) -> str:
    query: dict[str, str | int] = {"query": "ledger"}
    if page is not None:
        query["page"] = page
    response = client.get(reverse("records-request", args=[request_id]), query)
    assert response.status_code == 200
    return response.content.decode()


def _titles(page: str) -> list[str]:
    table = page.split('data-testid="search-results"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<strong>([^<]*)</strong>", table)


def test_the_officer_pages_through_every_hit_and_each_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(request_page, "SEARCH_PAGE_SIZE", 2)
    office = make_office()
    for number in range(5):
        send(office.raman, [office.keogh], f"ledger entry {number}", subject=f"Entry {number}")
    request = make_records_request(office.records)
    client = Client()
    client.force_login(office.records)

    first = _page(client, request.pk)
    assert "5 records found · page 1 of 3" in first
    assert 'rel="next"' in first
    assert 'rel="prev"' not in first
    seen = (
        _titles(first)
        + _titles(_page(client, request.pk, 2))
        + _titles(_page(client, request.pk, 3))
    )
    assert sorted(seen) == [f"Entry {number}" for number in range(5)]
    last = _page(client, request.pk, 3)
    assert 'rel="prev"' in last
    assert 'rel="next"' not in last
    # The next link keeps the search itself.
    assert re.search(r'href="\?query=ledger&amp;page=2"', first)


def test_a_count_that_stopped_short_says_so_on_the_page_and_in_the_audit_entry(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(request_page, "SEARCH_PAGE_SIZE", 1)
    monkeypatch.setattr(selectors, "COUNT_HORIZON", 2)
    office = make_office()
    for number in range(4):
        send(office.raman, [office.keogh], f"ledger entry {number}", subject=f"Entry {number}")
    request = make_records_request(office.records)
    client = Client()
    client.force_login(office.records)

    page = _page(client, request.pk)
    assert "More than 2 records found · page 1" in page
    assert 'rel="next"' in page
    entry = AuditEntry.objects.filter(action=AuditAction.RECORDS_REQUEST_SEARCHED).latest("seq")
    after = json_object(entry.after)
    assert (after["hits"], after["hits_lower_bound"]) == (2, True)


def test_a_page_beyond_the_limit_is_a_form_error_not_a_search() -> None:
    office = make_office()
    request = make_records_request(office.records)
    client = Client()
    client.force_login(office.records)
    page = _page(client, request.pk, 10_001)
    assert 'data-testid="search-results"' not in page
    assert "less than or equal to 10000" in page
