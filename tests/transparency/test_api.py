"""The public metrics API: no login, same figures as the page, clear 4xx on bad input."""

from __future__ import annotations

import pytest
from django.test import Client

from .factories import write_synthetic_release

pytestmark = pytest.mark.django_db


def test_metrics_and_releases_need_no_login() -> None:
    write_synthetic_release("r2019", people=120)
    client = Client()
    definitions = client.get("/api/transparency/metrics")
    assert definitions.status_code == 200
    assert {item["key"] for item in definitions.json()} >= {"referrals", "dismissals"}
    releases = client.get("/api/transparency/releases").json()
    assert releases["default"] == "r2019"
    assert releases["min_cell"] == 11


def test_metric_matches_the_csv_download() -> None:
    write_synthetic_release("r2019", people=300)
    client = Client()
    answer = client.get("/api/transparency/metrics/felony_review_rejections", {"group_by": "race"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["grouped_by"] == "race"
    csv_total = (
        client.get("/transparency/felony_review_rejections.csv", {"group_by": "race"})
        .content.decode()
        .splitlines()[-1]
        .split(",")
    )
    assert str(body["total"]["units"]) == csv_total[4]
    for row in body["rows"]:
        assert row["withheld"] == (row["units"] is None)
        if not row["withheld"]:
            assert row["numerator"] >= 11
            assert row["units"] - row["numerator"] >= 11


@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("/api/transparency/metrics/nothing", {}, 404),
        ("/api/transparency/metrics/referrals", {"release": "unknown"}, 404),
        ("/api/transparency/metrics/referrals", {"group_by": "name"}, 422),
        ("/api/transparency/metrics/referrals", {"year_from": 2020, "year_to": 2019}, 422),
        ("/api/transparency/metrics/referrals", {"year_from": "soon"}, 422),
        ("/api/transparency/metrics/referrals", {"race": "a\x00b"}, 422),
    ],
)
def test_bad_requests_are_4xx(path: str, params: dict[str, str | int], status: int) -> None:
    write_synthetic_release("r2019", people=20)
    assert Client().get(path, params).status_code == status


def test_empty_store_is_404_not_500() -> None:
    assert Client().get("/api/transparency/metrics/referrals").status_code == 404
