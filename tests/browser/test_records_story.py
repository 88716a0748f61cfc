"""Scenario steps 10 and 12 in Chromium: Sam Ortiz's records request and Ellen Park's answers.

The demo office stands at step 3. The state the story needs before step 10 (Whitlock's messages
to Keogh about the case, then the immediate sealing of step 8) and the unsealing of step 12 are
recorded through the services, in the server's own database, by `evenhand shell`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import subprocess
import sys
import zipfile
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from evenhand.records_requests.deadlines import calendar_from
from evenhand.records_requests.rules import public_records_rules

from .conftest import REPO, LiveDemo, sign_in

pytestmark = pytest.mark.browser
CASE = "2019-CR-000417"
PHONE = "312-555-0142"
PERSONAL_EMAIL = "dana.whitlock.home@gmail.com"

STEP_7_AND_8 = f"""
import datetime as dt
from django.utils import timezone
from evenhand.accounts.models import User
from evenhand.comms.services import message_send
from evenhand.screening.policies import visible_cases
from evenhand.sealing.models import SealingKind
from evenhand.sealing.services import OrderParticulars, sealing_order_record
whitlock = User.objects.get(username="dwhitlock")
keogh = User.objects.get(username="mkeogh")
case = visible_cases(keogh).get(number="{CASE}")
message_send(actor=whitlock, recipients=[keogh], subject="Vale charging", case_ids=[case.pk],
    body="16 counts on a class 4 becomes exhibit A. Call my cell {PHONE} tonight.")
message_send(actor=whitlock, recipients=[keogh], subject="Vale charging", case_ids=[case.pk],
    body="Use {PERSONAL_EMAIL} for the exhibit question, not the office account.")
sealing_order_record(actor=keogh, case_id=case.pk, kind=SealingKind.IMMEDIATE,
    particulars=OrderParticulars(court="Circuit Court of Cook County", judge="Rosa Castellanos",
        order_date=timezone.localdate(), order_reference="19-CR-03100"))
"""

STEP_12_UNSEALING = f"""
from django.utils import timezone
from evenhand.accounts.models import User
from evenhand.screening.policies import visible_cases
from evenhand.sealing.services import OrderParticulars, unsealing_order_record
keogh = User.objects.get(username="mkeogh")
case = visible_cases(keogh).get(number="{CASE}")
unsealing_order_record(actor=keogh, case_id=case.pk,
    particulars=OrderParticulars(court="Circuit Court of Cook County", judge="Rosa Castellanos",
        order_date=timezone.localdate(), order_reference="19-CR-03100-U"))
"""


def _shell(demo: LiveDemo, code: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "evenhand.cli", "shell", "-c", code],
        env=demo.env,
        cwd=REPO,
        check=True,
        capture_output=True,
        timeout=180,
    )


def _office_today() -> dt.date:
    return dt.datetime.now(ZoneInfo("America/Chicago")).date()


def _file_public_request(page: Page, demo: LiveDemo, description: str) -> str:
    page.context.clear_cookies()
    page.goto(f"{demo.url}/public-records/request/")
    page.get_by_label("Your name").fill("Sam Ortiz")
    page.get_by_label("Organisation (optional)").fill("Chicago Ledger")
    page.get_by_label("E-mail (optional)").fill("sam.ortiz@example.org")
    page.get_by_label("Records you are asking for").fill(description)
    # A person takes a few seconds over the form; the spam check refuses faster submissions.
    page.wait_for_timeout(3_500)
    page.get_by_role("button", name="Submit request").click()
    page.wait_for_url(f"{demo.url}/public-records/track/**")
    expect(page.get_by_test_id("tracking-status")).to_contain_text("Open")
    return page.locator("h1").inner_text().rsplit(" ", 1)[-1]


def _open_request(page: Page, demo: LiveDemo, number: str) -> None:
    page.goto(f"{demo.url}/records/")
    page.get_by_role("link", name=number).click()


def test_records_request_denied_while_sealed_then_released_redacted(
    page: Page, live_demo: LiveDemo
) -> None:
    _shell(live_demo, STEP_7_AND_8)

    # Step 10: Sam Ortiz files on the public form, with no account.
    number = _file_public_request(
        page,
        live_demo,
        "All communications between Dana Whitlock and Martin Keogh about the Jordan Vale case.",
    )
    tracking_url = page.url
    rules = public_records_rules()
    calendar = calendar_from(
        country=rules.holidays.country,
        subdivision=rules.holidays.subdivision,
        expected_names=rules.holidays.names,
    )
    today = _office_today()
    original = calendar.add_business_days(today, 5)
    expect(page.get_by_test_id("tracking-due")).to_contain_text(f"{original.due:%B %Y}")

    # Ellen Park sees the deadline and how it was computed, Illinois holidays included.
    sign_in(page, live_demo, "epark")
    page.get_by_test_id("records-link").click()
    _open_request(page, live_demo, number)
    steps = page.get_by_test_id("deadline-steps")
    expect(steps).to_contain_text(original.explanation())
    # She takes the one extension, with its statutory reason, noticed in writing today.
    page.get_by_text("Extend the deadline").click()
    extend = page.get_by_test_id("extend-form")
    extend.get_by_label("Statutory reason").select_option("exemption_review")
    extend.get_by_label("Facts (for the notice)").fill(
        "The communications must be reviewed for exempt material before release."
    )
    extend.get_by_label("Written notice sent on").fill(today.isoformat())
    extend.get_by_role("button", name="Extend").click()
    extended = calendar.add_business_days(original.due, 5)
    expect(page.get_by_test_id("request-status")).to_contain_text("Open, deadline extended")
    expect(page.get_by_test_id("due-on")).to_contain_text(
        f"{extended.due.day} {extended.due:%B %Y}"
    )
    expect(page.get_by_test_id("extension-reason")).to_contain_text("5 ILCS 140/3(e)(v)")

    # The case is sealed: the search finds none of its records.
    page.get_by_test_id("records-search").get_by_role("textbox").first.fill("exhibit")
    page.get_by_test_id("records-search").get_by_role("button", name="Search").click()
    expect(page.get_by_test_id("search-results")).to_contain_text("No records match")
    # She withholds the sealed case's records as a class, and answers with a denial.
    page.get_by_text("Withhold a sealed case's records").click()
    page.get_by_test_id("sealed-form").get_by_label("Sealed case number").fill(CASE)
    page.get_by_test_id("sealed-form").get_by_role("button", name="Withhold").click()
    expect(page.get_by_test_id("withheld-cases")).to_contain_text(f"{CASE}: withheld under 13(c)")
    page.get_by_test_id("respond-form").get_by_role("button", name="Issue the response").click()
    expect(page.get_by_test_id("letter-issued")).to_contain_text("Denial letter issued")
    page.get_by_role("link", name="Letter", exact=True).click()
    letter = page.get_by_test_id("response-letter")
    for required in (
        "Your request is denied",
        "exempt under section 13(c) (20 ILCS 2630/13(c))",
        f"sealed case {CASE}",
        "Factual basis",
        "Public Access Counselor",
        "(877) 299-3642",
        "within 60 days",
        "5 ILCS 140/11",
        "Ellen Park, Records (FOIA) officer",
        "Dana Whitlock, State's Attorney",
    ):
        expect(letter).to_contain_text(required)
    page.goto(tracking_url)
    expect(page.get_by_test_id("tracking-status")).to_contain_text("Denied")

    # Step 12: the court unseals the file; Sam renews his request.
    _shell(live_demo, STEP_12_UNSEALING)
    renewed = _file_public_request(
        page,
        live_demo,
        "<script>window.pwned = 1</script> The Whitlock and Keogh messages, now unsealed.",
    )
    sign_in(page, live_demo, "epark")
    _open_request(page, live_demo, renewed)
    expect(page.get_by_test_id("request-text")).to_contain_text("<script>window.pwned = 1</script>")
    page.get_by_test_id("records-search").get_by_role("textbox").first.fill("exhibit")
    page.get_by_test_id("records-search").get_by_role("button", name="Search").click()
    results = page.get_by_test_id("search-results")
    expect(results.locator("tr", has_text="Vale charging")).to_have_count(2)
    for _ in range(2):
        add = page.get_by_role("button", name="Add to review")
        page.get_by_test_id("search-results").locator("tr", has_text="Vale charging").filter(
            has=add
        ).first.get_by_role("button", name="Add to review").click()
        expect(page.locator(".messages li").first).to_contain_text("suggested redactions")
        page.get_by_test_id("records-search").get_by_role("button", name="Search").click()
    expect(page.get_by_test_id("search-results")).to_contain_text("In review")
    records = page.get_by_test_id("review-records").get_by_role("link")
    expect(records).to_have_count(2)
    for index in range(2):
        page.get_by_test_id("review-records").get_by_role("link").nth(index).click()
        expect(page.get_by_test_id("record-text").locator("mark").first).to_be_visible()
        table = page.get_by_test_id("redactions")
        # Each suggestion in context: phone numbers and personal e-mails redacted under
        # 7(1)(b); anything else suggested (names of officials) released.
        while table.locator("tr", has_text="Suggested").count():
            row = table.locator("tr", has_text="Suggested").first
            kind = row.locator("td").nth(1).inner_text()
            if kind in {"phone", "email"}:
                expect(row.get_by_label("Exemption")).to_have_value("7(1)(b)")
                row.get_by_role("button", name="Redact").click()
            else:
                row.get_by_role("button", name="Release").click()
            table = page.get_by_test_id("redactions")
        expect(table).to_contain_text("Accepted: redacted")
        page.get_by_test_id("decision-form").get_by_label("Decision").select_option("responsive")
        page.get_by_test_id("decision-form").get_by_role("button", name="Record decision").click()
        page.get_by_role("link", name=f"← {renewed}").click()
    page.get_by_test_id("respond-form").get_by_role("button", name="Issue the response").click()
    expect(page.get_by_test_id("letter-issued")).to_contain_text("Partial grant letter issued")

    with page.expect_download() as download_info:
        page.get_by_test_id("package-link").click()
    package = zipfile.ZipFile(download_info.value.path())
    names = package.namelist()
    copies = [n for n in names if n.startswith("records/") and n.endswith(".txt")]
    assert len(copies) == 2
    assert len([n for n in names if n.startswith("records/") and n.endswith(".pdf")]) == 2
    released = "".join(package.read(name).decode() for name in copies)
    assert PHONE not in released
    assert PERSONAL_EMAIL not in released
    assert released.count("[REDACTED 7(1)(b)]") == 2
    assert "exhibit A" in released
    log = list(csv.DictReader(io.StringIO(package.read("redaction-log.csv").decode())))
    accepted = [row for row in log if row["decision"] == "accepted"]
    assert {row["exemption"] for row in accepted} == {"7(1)(b)"}
    assert {row["kind"] for row in accepted} == {"phone", "email"}
    letter_html = package.read("letter.html").decode()
    assert "&lt;script&gt;window.pwned = 1&lt;/script&gt;" in letter_html
    assert "7(1)(b)" in letter_html
    assert package.read("letter.pdf").startswith(b"%PDF")

    # The letter page shows the script as text; it never runs.
    page.get_by_role("link", name="Letter", exact=True).click()
    expect(page.get_by_test_id("response-letter")).to_contain_text(
        "<script>window.pwned = 1</script>"
    )
    assert page.evaluate("window.pwned") is None
