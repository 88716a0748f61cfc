"""The search page in Chromium: the records officer finds the Vale case's records, with the
matched words highlighted, and a query full of search-engine syntax is just words."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .conftest import LiveDemo, sign_in

pytestmark = pytest.mark.browser


def test_records_officer_searches_case_records(live_demo: LiveDemo, page: Page) -> None:
    sign_in(page, live_demo, "epark")
    page.get_by_test_id("search-link").click()
    expect(page).to_have_url(re.compile(r"/search/$"))
    page.fill("#id_q", "Vale")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"q=Vale"))
    results = page.get_by_test_id("search-results")
    expect(results.locator("li[data-kind=case]").first).to_contain_text("People v. Jordan Vale")
    expect(results.locator("mark").first).to_have_text(re.compile("Vale", re.IGNORECASE))

    page.fill("#id_q", 'NEAR( "Vale * title:')
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_test_id("search-total")).to_be_visible()
