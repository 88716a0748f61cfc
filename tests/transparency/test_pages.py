"""The public page and its CSV downloads, signed out."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client

from evenhand.analytics import store

from .factories import synthetic_release, write_synthetic_release

pytestmark = pytest.mark.django_db


def test_page_without_data_says_so() -> None:
    response = Client().get("/transparency/")
    assert response.status_code == 200
    assert b"No data has been published yet." in response.content


def test_public_page_shows_every_metric_with_a_chart() -> None:
    write_synthetic_release("r2019", people=400)
    response = Client().get("/transparency/")
    assert response.status_code == 200
    html = response.content.decode()
    for title in (
        "Referrals received",
        "Felony-review rejections",
        "Cases filed",
        "Diversion referrals",
        "Cases dismissed by the prosecutor",
        "Charges reduced at conviction",
        "Time to disposition",
    ):
        assert title in html
    assert html.count('role="img"') == 8
    assert "public" in response["Cache-Control"]


def test_filters_narrow_the_figures_and_csv_matches_the_page() -> None:
    write_synthetic_release("r2019", people=400)
    client = Client()
    everyone = client.get("/transparency/referrals.csv", {"group_by": "gender"})
    women = client.get("/transparency/referrals.csv", {"group_by": "gender", "gender": "Female"})
    assert everyone.status_code == women.status_code == 200
    assert everyone["Content-Type"].startswith("text/csv")
    all_rows = list(csv.DictReader(io.StringIO(everyone.content.decode())))
    women_rows = list(csv.DictReader(io.StringIO(women.content.decode())))
    by_group = {row["group"]: row for row in all_rows}
    assert [row["group"] for row in women_rows] == ["Female", "All"]
    assert women_rows[-1]["units"] == by_group["Female"]["units"]
    assert int(by_group["All"]["units"]) == 400


def test_bad_filters_are_a_clear_400() -> None:
    write_synthetic_release("r2019", people=50)
    client = Client()
    page = client.get("/transparency/", {"year_from": "2020", "year_to": "2019"})
    assert page.status_code == 400
    assert b"The last year must not be before the first." in page.content
    assert client.get("/transparency/", {"race": "Martian"}).status_code == 400
    assert client.get("/transparency/", {"group_by": "name"}).status_code == 400
    assert client.get("/transparency/referrals.csv", {"year_from": "x"}).status_code == 400
    assert client.get("/transparency/nothing.csv").status_code == 404


def test_a_new_release_shows_without_waiting_for_the_cache() -> None:
    write_synthetic_release("r2019", people=30)
    client = Client()
    first = client.get("/transparency/referrals.csv")
    write_synthetic_release("r2019", people=60, seed=8)
    second = client.get("/transparency/referrals.csv")
    assert first.content != second.content
    assert "60" in second.content.decode().splitlines()[-1]


def test_a_rare_value_is_not_offered_as_a_filter_and_its_group_is_withheld() -> None:
    rows = synthetic_release(people=200)
    for index in range(3):
        rows.add(
            "intake",
            case_id=f"rare{index}",
            case_participant_id=f"rare{index}",
            received_date=dt.date(2018, 5, 5),
            offense_category="Narcotics",
            race="Middle Eastern/North African",
            gender="Male",
        )
    for dataset, table in rows.tables().items():
        store.write_release(dataset, "r2019", table)
    client = Client()
    page = client.get("/transparency/", {"group_by": "race"}).content.decode()
    assert '<option value="Middle Eastern/North African"' not in page
    assert client.get("/transparency/", {"race": "Middle Eastern/North African"}).status_code == 400
    by_race = client.get("/transparency/referrals.csv", {"group_by": "race"}).content.decode()
    groups = {row["group"]: row for row in csv.DictReader(io.StringIO(by_race))}
    rare = groups["Middle Eastern/North African"]
    assert rare["withheld"] == "true"
    assert rare["units"] == ""
