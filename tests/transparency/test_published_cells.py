"""Whatever the data, nothing below the threshold is published, on the page, in a CSV or in
the API, and no withheld figure can be worked out from what is published beside it."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evenhand.analytics.metrics.definitions import METRICS, MetricKind

from .factories import write_synthetic_release

pytestmark = pytest.mark.django_db

THRESHOLD = 11
# Bare numbers in table cells and in the charts' value labels (rates and days carry units).
PAGE_NUMBER = re.compile(r'<td>([\d,]+)</td>|<text class="value"[^>]*>([\d,]+)</text>')


def _check_table(kind: MetricKind, rows: list[dict[str, str]]) -> None:
    """CSV rows of one metric (groups, then the total) obey the suppression rules."""
    *groups, total = rows
    for row in rows:
        if row["withheld"] == "true":
            assert row["units"] == row["numerator"] == row["value"] == ""
            continue
        units = int(row["units"])
        assert units >= THRESHOLD
        if kind is MetricKind.RATE:
            numerator = int(row["numerator"])
            assert numerator >= THRESHOLD
            assert units - numerator >= THRESHOLD
    withheld = [row for row in groups if row["withheld"] == "true"]
    if withheld and total["withheld"] == "false":
        published = [row for row in groups if row["withheld"] == "false"]
        hidden_units = int(total["units"]) - sum(int(row["units"]) for row in published)
        assert len(withheld) >= 2
        assert hidden_units >= THRESHOLD
        if kind is MetricKind.RATE:
            hidden_hits = int(total["numerator"]) - sum(int(row["numerator"]) for row in published)
            assert hidden_hits >= THRESHOLD
            assert hidden_units - hidden_hits >= THRESHOLD


@settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    people=st.integers(min_value=1, max_value=160),
    seed=st.integers(min_value=0, max_value=10_000),
    group_by=st.sampled_from(["year", "race", "gender", "offense_category", "offense_class"]),
)
def test_no_small_cell_is_published(people: int, seed: int, group_by: str) -> None:
    cache.clear()
    write_synthetic_release("fuzz", people=people, seed=seed)
    client = Client()
    for metric in METRICS:
        response = client.get(f"/transparency/{metric.key}.csv", {"group_by": group_by})
        assert response.status_code == 200
        rows = list(csv.DictReader(io.StringIO(response.content.decode())))
        if rows:
            _check_table(metric.kind, rows)
    page = client.get("/transparency/", {"group_by": group_by}).content.decode()
    for cell, label in PAGE_NUMBER.findall(page):
        assert int((cell or label).replace(",", "")) >= THRESHOLD
    for metric in METRICS:
        body = client.get(f"/api/transparency/metrics/{metric.key}", {"group_by": group_by}).json()
        for row in [*body["rows"], body["total"]]:
            if row["units"] is not None:
                assert row["units"] >= THRESHOLD
