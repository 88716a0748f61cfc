"""The charging pages and API, end to end through the test client."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from evenhand.analytics.queries.consistency import Period
from evenhand.charging import services
from evenhand.charging.models import ChargingDecision
from tests.api.factories import make_token

from .factories import charging_world

pytestmark = pytest.mark.django_db
FALSE_REPORT = "720-5/26-1(a)(4)"


def _charge_form(world_participant: int, counts: int, rationale: str = "") -> dict[str, Any]:
    return {
        "participant": world_participant,
        "statute_key": FALSE_REPORT,
        "counts": counts,
        "filed_on": "2019-03-08",
        "year_from": 2019,
        "year_to": 2019,
        "rationale": rationale,
    }


def test_queue_referral_review_and_case_pages(client: Client, empty_store: Path) -> None:
    world = charging_world()
    client.force_login(world.asa)
    response = client.post(
        "/charging/referrals/new/",
        {
            "case_number": world.case.number,
            "agency": "Chicago Police Department",
            "officer_name": "Ana Ruiz",
            "received_on": "2019-01-29",
        },
    )
    assert response.status_code == 302
    queue = client.get("/charging/")
    assert world.case.number in queue.text
    assert "Chicago Police Department" in queue.text
    response = client.post(
        f"/charging/cases/{world.case.pk}/review/",
        {"result": "approved", "reasons": "Approved on the evidence."},
    )
    assert response.status_code == 302
    page = client.get(f"/charging/cases/{world.case.pk}/")
    assert "Approved on the evidence." in page.text


def test_preview_shows_the_chart_and_the_rationale_requirement(
    client: Client, with_2019: Path
) -> None:
    world = charging_world()
    client.force_login(world.asa)
    preview = client.post(
        f"/charging/cases/{world.case.pk}/preview/", _charge_form(world.defendant.pk, 16)
    )
    assert preview.status_code == 200
    assert 'data-testid="consistency-chart"' in preview.text
    assert 'data-marked="true"' in preview.text
    assert "the highest count total among them" in preview.text
    assert 'data-testid="rationale-required"' in preview.text
    ordinary = client.post(
        f"/charging/cases/{world.case.pk}/preview/", _charge_form(world.defendant.pk, 1)
    )
    assert 'data-testid="rationale-required"' not in ordinary.text
    incomplete = client.post(f"/charging/cases/{world.case.pk}/preview/", {"counts": "x"})
    assert 'data-testid="verdict-problem"' in incomplete.text


def test_charging_form_asks_for_the_rationale_then_records_the_decision(
    client: Client, with_2019: Path
) -> None:
    world = charging_world()
    client.force_login(world.asa)
    url = f"/charging/cases/{world.case.pk}/charge/"
    refused = client.post(url, _charge_form(world.defendant.pk, 16))
    assert refused.status_code == 200
    assert "write the rationale" in refused.text
    assert not ChargingDecision.objects.exists()
    done = client.post(url, _charge_form(world.defendant.pk, 16, "Sixteen false statements."))
    decision = ChargingDecision.objects.get()
    assert done.headers["Location"] == f"/charging/decisions/{decision.pk}/"
    page = client.get(done.headers["Location"])
    assert "Sixteen false statements." in page.text
    assert "99.3th percentile" in page.text
    assert 'data-testid="consistency-chart"' in page.text


def test_comparable_search_lists_office_and_open_data_with_links(
    client: Client, with_2019: Path
) -> None:
    world = charging_world()
    client.force_login(world.asa)
    response = client.get(
        "/charging/comparable/",
        {"statute_key": FALSE_REPORT, "year_from": "2019", "year_to": "2019"},
    )
    assert response.status_code == 200
    assert 'data-testid="outcome-counts"' in response.text
    assert "/charging/history/chicagoda-2019/" in response.text
    bad = client.get("/charging/comparable/", {"min_counts": 5, "max_counts": 2})
    assert "The count range ends before it starts." in bad.text


def test_history_row_page_and_a_missing_row(client: Client, with_2019: Path) -> None:
    world = charging_world()
    client.force_login(world.asa)
    page = client.get("/charging/history/chicagoda-2019/1082993268484/")
    assert page.status_code == 200
    assert "26-1(a)(4)" in page.text
    assert client.get("/charging/history/chicagoda-2019/0/").status_code == 404
    assert client.get("/charging/history/bad$release/1/").status_code == 404


def test_api_preview_decide_read_and_search(client: Client, with_2019: Path) -> None:
    world = charging_world()
    auth = {"Authorization": f"Bearer {make_token(world.asa)}"}
    body = {
        "participant_id": world.defendant.pk,
        "statute_key": FALSE_REPORT,
        "counts": 16,
        "year_from": 2019,
        "year_to": 2019,
    }
    base = f"/api/cases/{world.case.pk}/charging"
    preview = client.post(f"{base}/preview", body, content_type="application/json", headers=auth)
    assert preview.status_code == 200
    assert preview.json()["rationale_required"] is True
    assert preview.json()["is_highest"] is True
    missing = client.post(
        f"{base}/decisions",
        {**body, "filed_on": "2019-03-08"},
        content_type="application/json",
        headers=auth,
    )
    assert missing.status_code == 422
    created = client.post(
        f"{base}/decisions",
        {**body, "filed_on": "2019-03-08", "rationale": "Sixteen false statements."},
        content_type="application/json",
        headers=auth,
    )
    assert created.status_code == 201
    decision = created.json()
    assert len(decision["charge_ids"]) == 16
    read = client.get(f"/api/charging/decisions/{decision['id']}", headers=auth)
    assert read.json()["verdict"]["percentile"] == pytest.approx(99.3)
    assert client.get("/api/charging/decisions/999999", headers=auth).status_code == 404
    search = client.get(
        "/api/charging/comparable",
        {"statute_key": FALSE_REPORT, "year_from": "2019", "year_to": "2019"},
        headers=auth,
    )
    assert search.status_code == 200
    assert sum(c["open_data"] for c in search.json()["counts"]) > 0
    assert (
        client.get("/api/charging/comparable", {"statute_key": "x"}, headers=auth).status_code
        == 422
    )


def test_api_bad_period_and_missing_case_are_4xx(client: Client, empty_store: Path) -> None:
    world = charging_world()
    auth = {"Authorization": f"Bearer {make_token(world.asa)}"}
    body = {
        "participant_id": world.defendant.pk,
        "statute_key": FALSE_REPORT,
        "counts": 1,
        "year_from": 2020,
        "year_to": 2019,
    }
    bad = client.post(
        f"/api/cases/{world.case.pk}/charging/preview",
        body,
        content_type="application/json",
        headers=auth,
    )
    assert bad.status_code == 422
    gone = client.post(
        "/api/cases/999999/charging/preview",
        {**body, "year_from": 2019},
        content_type="application/json",
        headers=auth,
    )
    assert gone.status_code == 404


def test_office_cases_appear_in_comparable_results_only_when_visible(
    client: Client, empty_store: Path
) -> None:
    world = charging_world()
    services.charging_decide(
        actor=world.asa,
        case_id=world.case.pk,
        participant_id=world.defendant.pk,
        statute_key=FALSE_REPORT,
        counts=2,
        filed_on=dt.date(2019, 3, 8),
        period=Period(2019, 2019),
    )
    client.force_login(world.asa)
    # Not disposed yet: an office case appears only once it has ended.
    response = client.get("/charging/comparable/", {"statute_key": FALSE_REPORT})
    assert world.case.number not in response.text
