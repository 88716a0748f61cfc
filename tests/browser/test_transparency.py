"""The public office-metrics page in Chromium, signed out: open, filter, chart, CSV."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from django.test import override_settings
from playwright.sync_api import Page, expect

from tests.transparency.factories import write_synthetic_release

from .conftest import LiveDemo

pytestmark = pytest.mark.browser
MIN_CELL = 11


def test_public_metrics_signed_out(live_demo: LiveDemo, page: Page) -> None:
    # The server reads the store on every request, so a release written now is published.
    with override_settings(
        EVENHAND_ANALYTICS_DIR=Path(live_demo.env["EVENHAND_DATA_DIR"]) / "analytics"
    ):
        write_synthetic_release("r2019", people=300)
    page.context.clear_cookies()
    page.goto(f"{live_demo.url}/login/")
    page.get_by_test_id("public-metrics-link").click()
    expect(page).to_have_url(re.compile(r"/transparency/$"))
    expect(page.get_by_role("heading", name="Office metrics")).to_be_visible()
    expect(page.locator("#metric-referrals svg[role=img]")).to_be_visible()

    page.select_option("#id_gender", "Female")
    page.select_option("#id_group_by", "race")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"gender=Female"))
    chart = page.locator("#metric-referrals svg[role=img]")
    expect(chart).to_be_visible()
    expect(page.locator("#chart-referrals-title")).to_have_text("Referrals received by race")
    expect(page.locator("#metric-referrals [data-testid=metric-table]")).to_contain_text("Black")

    with page.expect_download() as info:
        page.locator("#metric-referrals [data-testid=csv-link]").click()
    rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text())))
    assert rows[-1]["group"] == "All"
    assert rows[-1]["filters"] == "gender=Female"
    assert {row["grouped_by"] for row in rows} == {"race"}
    for row in rows:
        assert row["withheld"] == "true" or int(row["units"]) >= MIN_CELL
