"""The acceptance test: all 13 steps of SCENARIO.md in Chromium, as the people of the cast.

The office starts from `evenhand demo --stage step3`: steps 1–3 (the report, the relative's
contact, the pivot) are entered through the services, because the web UI has no form to add a
participant to a case; the test asserts what those steps must leave behind, as seen in the UI.
Steps 4–13 are driven through the web pages only, except the opening of the second case of
step 13 (same reason: no form for a case with its defendant). Each arrow of SCENARIO.md is an
assertion. With EVENHAND_SCREENSHOTS=<dir> the key pages are saved there as PNGs
(`bin/scenario-docs` writes them to docs/scenario/ for docs/scenario.md).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from playwright.sync_api import Browser, Locator, Page, expect

from evenhand.records_requests.deadlines import calendar_from
from evenhand.records_requests.rules import public_records_rules

from .conftest import REPO, LiveDemo, sign_in

pytestmark = pytest.mark.browser
DEMO_STAGE = "step3"
CASE = "2019-CR-000417"
FALSE_REPORT = "720-5/26-1(a)(4)"
PHONE = "312-555-0142"
PERSONAL_EMAIL = "dana.whitlock.home@gmail.com"
SHOTS = os.environ.get("EVENHAND_SCREENSHOTS", "")

SECOND_CASE = f"""
import datetime as dt
from evenhand.accounts.models import User
from evenhand.cases import services
from evenhand.cases.models import ParticipantRole
from evenhand.cases.selectors import case_detail, case_ids_for_numbers
raman = User.objects.get(username="praman")
[case_id], _ = case_ids_for_numbers(user=raman, numbers=["{CASE}"])
vale = next(p for p in case_detail(user=raman, case_id=case_id).participants
    if p.person.full_name == "Jordan Vale")
second = services.case_open(actor=raman, title="People v. Jordan Vale (special grand jury)",
    received_on=dt.date(2020, 2, 11))
services.participant_add(actor=raman, case_id=second.pk, person=vale.person,
    role=ParticipantRole.DEFENDANT)
print(second.pk, second.number)
"""


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    # The walk-through's pictures: one size for every screenshot.
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    new_page = context.new_page()
    new_page.set_default_timeout(20_000)
    yield new_page
    context.close()


def _shot(page: Page, name: str, focus: Locator | None = None) -> None:
    """Save the viewport as `name`.png, scrolled to `focus` when the point is further down."""
    if SHOTS:
        folder = Path(SHOTS)
        folder.mkdir(parents=True, exist_ok=True)
        if focus is not None:
            focus.scroll_into_view_if_needed()
        path = folder / f"{name}.png"
        page.screenshot(path=str(path))
        # A 128-colour palette keeps the committed pictures about a third of the size.
        with Image.open(path) as shot:
            small = shot.convert("RGB").quantize(colors=128)
        small.save(path, optimize=True)


def _office_today() -> dt.date:
    return dt.datetime.now(ZoneInfo("America/Chicago")).date()


def _shell(demo: LiveDemo, code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "evenhand.cli", "shell", "-c", code],
        env=demo.env,
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
        timeout=180,
    )
    return done.stdout


def _open_case(page: Page, demo: LiveDemo, reason: str = "") -> str:
    page.goto(f"{demo.url}/cases/?q={CASE}")
    page.locator("#results").get_by_role("link", name=CASE).first.click()
    _reason_if_asked(page, reason)
    page.wait_for_url(re.compile(r"/cases/\d+/$"))
    return page.url


def _reason_if_asked(page: Page, reason: str) -> None:
    """A sealed case asks its reader why, once per session; the reason is logged."""
    page.wait_for_load_state()
    form = page.get_by_test_id("access-reason-form")
    if reason and form.count():
        form.get_by_label("Reason").fill(reason)
        form.get_by_role("button", name="Open the case").click()
        page.wait_for_load_state()


def _compose(page: Page, subject: str, body: str, tag: str = "") -> None:
    page.get_by_role("link", name="Messages").click()
    page.get_by_role("link", name="New message").click()
    page.get_by_label("Recipients").select_option(label="Martin Keogh")
    page.get_by_label("Subject").fill(subject)
    page.get_by_label("Body").fill(body)
    if tag:
        page.get_by_label("Tag cases").fill(tag)
    page.get_by_role("button", name="Send").click()


def _court_order(page: Page, judge: str, on: str, reference: str) -> None:
    form = page.get_by_test_id("order-form")
    form.get_by_label("Judge").fill(judge)
    form.get_by_label("Order date").fill(on)
    form.get_by_label("Order reference").fill(reference)
    form.get_by_role("button", name="Record").click()


def _log_term(page: Page, term: str, kind: str, amount: str) -> None:
    row = page.get_by_test_id(term)
    row.get_by_label("Entry kind").select_option(label=kind)
    row.get_by_label("Amount").fill(amount)
    row.get_by_label("Date").fill("2019-03-25")
    row.get_by_role("button", name="Log").click()
    expect(page.locator(".messages")).to_contain_text("Logged.")


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


def _search_records(page: Page, query: str) -> None:
    search = page.get_by_test_id("records-search")
    search.get_by_role("textbox").first.fill(query)
    search.get_by_role("button", name="Search").click()


def test_the_people_v_jordan_vale(page: Page, live_demo: LiveDemo, tmp_path: Path) -> None:
    demo = live_demo

    # Step 1 — 29 Jan, report: the case, its participants and events, audited.
    sign_in(page, demo, "praman")
    case_url = _open_case(page, demo)
    expect(page.locator("h1")).to_contain_text("People v. Jordan Vale")
    participants = page.get_by_test_id("participants")
    expect(participants).to_contain_text("Jordan Vale")
    timeline = page.get_by_test_id("timeline")
    expect(timeline).to_contain_text("Det. Ana Ruiz refers the report")
    _shot(page, "01-case")
    # Step 3 — mid Feb, the pivot: each role change kept with its history, and audited.
    expect(participants).to_contain_text("Victim → Suspect")
    expect(participants).to_contain_text("Suspect → Witness")
    expect(timeline).to_contain_text("Cal and Reese Dunmore arrested")
    page.get_by_role("link", name="Audit trail").click()
    trail = page.get_by_test_id("audit-trail")
    expect(trail).to_contain_text("Case opened")
    expect(trail).to_contain_text("Participant role changed")
    _shot(page, "03-audit-trail")

    # Step 2 — early Feb, contact: the flag for the State's Attorney, shown to oversight too.
    sign_in(page, demo, "dwhitlock")
    page.get_by_role("link", name="Conflicts").click()
    flag = page.locator("article", has_text=CASE)
    expect(flag).to_contain_text("Tina Vale, who is a relative of Jordan Vale")
    expect(flag).to_contain_text("Open")
    _shot(page, "02-conflict-flag")
    for overseer in ("ethics", "pbrandt"):
        sign_in(page, demo, overseer)
        page.goto(f"{demo.url}/oversight/")
        expect(page.locator("main")).to_contain_text(
            re.compile(rf"(dwhitlock|Dana Whitlock) on {CASE}: Open")
        )
    # Before her recusal, she writes to her deputy about the case (the records of step 10).
    sign_in(page, demo, "dwhitlock")
    _compose(
        page, "Vale charging", f"Is the exhibit list ready? Call my cell {PHONE} tonight.", CASE
    )
    _compose(page, "Vale charging", f"Use {PERSONAL_EMAIL} for the exhibit list.", CASE)

    # Step 4 — 19 Feb, recusal, and the refused "acting State's Attorney".
    page.get_by_role("link", name="Conflicts").click()
    flag = page.locator("article", has_text=CASE)
    flag.get_by_label("Recuse myself from the case").check()
    flag.get_by_label("Note").fill("A relative of the complainant contacted me about the case.")
    flag.get_by_label("Hand the case to (acting head of office)").select_option(
        label="Martin Keogh"
    )
    flag.get_by_role("button", name="Record decision").click()
    errors = page.locator(".messages li.error")
    expect(errors).to_contain_text("no office of 'acting State's Attorney'")
    expect(errors).to_contain_text("55 ILCS 5/3-9008")
    expect(page.locator("article", has_text=CASE)).to_contain_text("recused")
    _shot(page, "04-recusal-refused-delegation")
    # The screen takes effect on her very next request.
    page.goto(f"{demo.url}/cases/?q=Vale")
    expect(page.get_by_test_id("result-count")).to_have_text("0 cases")
    page.goto(case_url)
    expect(page.locator("h1")).to_have_text("Not found")
    # The case awaits the court; office staff cannot charge or dispose.
    sign_in(page, demo, "mkeogh")
    _open_case(page, demo)
    banner = page.get_by_test_id("special-prosecution")
    expect(banner).to_contain_text("Awaiting court appointment of a special prosecutor")
    expect(banner).to_contain_text("Charging and disposition are refused")
    _shot(page, "04-awaiting-appointment")
    case_id = case_url.rstrip("/").rsplit("/", 1)[1]
    response = page.goto(f"{demo.url}/charging/cases/{case_id}/charge/")
    assert response is not None
    assert response.status in {403, 404}

    # Step 5 — the court order appointing Harold Weiss, recorded from the drafted petition.
    page.goto(case_url)
    page.get_by_test_id("special-prosecution").get_by_role("link", name="Petition").click()
    with page.expect_download() as download_info:
        page.get_by_test_id("petition-download").click()
    petition = tmp_path / "petition.txt"
    download_info.value.save_as(petition)
    text = petition.read_text()
    assert "PETITION FOR THE APPOINTMENT OF A SPECIAL PROSECUTOR" in text
    assert CASE in text
    _shot(page, "05-petition")
    page.get_by_label("Judge").fill("Rosa Castellanos")
    page.get_by_label("Order date").fill(_office_today().isoformat())
    page.get_by_label("Appointee's username").fill("hweiss")
    page.get_by_label("Appointed from").select_option(label="Private counsel")
    page.get_by_role("button", name="Record order").click()
    expect(page.get_by_test_id("court-order")).to_contain_text("Judge Rosa Castellanos")
    expect(page.get_by_test_id("court-order")).to_contain_text("Harold Weiss")
    _shot(page, "05-court-order")
    # Weiss reaches this case and nothing else in the office.
    sign_in(page, demo, "hweiss")
    expect(page.get_by_test_id("result-count")).to_have_text("1 case")
    _open_case(page, demo)
    expect(page.get_by_test_id("special-prosecution")).to_contain_text(
        "Special prosecutor appointed"
    )
    other = int(case_id) + 1
    page.goto(f"{demo.url}/cases/{other}/")
    expect(page.locator("h1")).to_have_text("Not found")

    # Step 6 — charging: 16 counts, the consistency check against 2019, the rationale.
    page.goto(case_url)
    page.get_by_role("link", name="Change a participant's role").click()
    page.get_by_label("Participant").select_option(label="Jordan Vale (Suspect)")
    page.get_by_label("New role").select_option(label="Defendant")
    page.get_by_label("Reason").fill("Indicted by the grand jury")
    page.get_by_role("button", name="Save").click()
    page.goto(case_url)
    page.get_by_test_id("charging-link").click()
    page.get_by_role("link", name="Record a felony review").click()
    page.get_by_label("Approved: felony charges may be filed").check()
    page.get_by_label("Reasons").fill("The report is contradicted by the evidence.")
    page.get_by_role("button", name="Record review").click()
    expect(page.get_by_test_id("felony-reviews")).to_contain_text("Approved")
    page.get_by_role("link", name="Charge a defendant").click()
    page.get_by_label("Defendant").select_option(label="Jordan Vale")
    page.get_by_label("Statute").select_option(value=FALSE_REPORT)
    page.get_by_label("History from").fill("2019")
    page.get_by_label("to (year)").fill("2019")
    page.get_by_label("Counts").fill("16")
    page.get_by_label("Filed on").fill("2019-03-08")
    summary = page.get_by_test_id("verdict-summary")
    # The first check after an import builds the release's aggregates: allow for it.
    expect(summary).to_contain_text("16 counts", timeout=180_000)
    expect(summary).to_contain_text("the highest count total among them")
    expect(page.get_by_test_id("consistency-chart")).to_be_visible()
    expect(page.get_by_test_id("rationale-required")).to_contain_text("rationale is required")
    _shot(page, "06-consistency-check", page.get_by_test_id("consistency-chart"))
    # Not blocked, but not without a written rationale, which is kept with the decision.
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator("#charging-form")).to_contain_text("write the rationale")
    page.get_by_label("Rationale").fill("Each false statement to the police is a separate count.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_test_id("rationale")).to_contain_text("separate count")
    expect(page.get_by_test_id("decision-percentile")).to_contain_text("percentile")
    decision_url = page.url
    _shot(page, "06-charging-decision", page.get_by_test_id("rationale"))

    # Step 7 — texts: still screened, Whitlock writes to Keogh.
    sign_in(page, demo, "dwhitlock")
    _compose(page, "the case", "Call me about this one.", CASE)
    expect(page.get_by_test_id("message-error")).to_contain_text("Not delivered")
    _shot(page, "07-tagged-message-refused")
    _compose(
        page,
        "charging",
        "16 counts on a class 4 becomes exhibit A. Look at how the Vale case is charged.",
    )
    expect(page.locator(".messages li.warning")).to_contain_text("held, not delivered")
    _shot(page, "07-untagged-message-held")
    sign_in(page, demo, "mkeogh")
    page.get_by_role("link", name="Messages").click()
    expect(page.get_by_test_id("message-list")).not_to_contain_text("exhibit A")
    for overseer in ("ethics", "pbrandt"):
        sign_in(page, demo, overseer)
        page.goto(f"{demo.url}/oversight/")
        expect(page.get_by_test_id("held")).to_contain_text("dwhitlock")

    # Step 8 — 26 Mar: nolle prosequi for performed consideration, then immediate sealing.
    sign_in(page, demo, "hweiss")
    page.goto(case_url)
    page.get_by_test_id("dispositions-link").click()
    page.get_by_test_id("enrol-link").click()
    page.locator("#id_participant").select_option(label="Jordan Vale")
    page.locator("#id_programme").select_option(label="Alternative disposition (office-defined)")
    page.get_by_label("Starts on").fill("2019-03-20")
    page.get_by_label("Ends on").fill("2019-03-26")
    page.get_by_label("State's Attorney consents").select_option(label="Given")
    page.get_by_label("Defendant consents").select_option(label="Given")
    page.get_by_role("button", name="Check eligibility").click()
    expect(page.get_by_test_id("eligibility-overall")).to_have_text("eligible")
    page.get_by_test_id("enrol-submit").click()
    expect(page.get_by_test_id("enrolment-status")).to_have_text("Active")
    for kind, amount in (
        ("Community service (hours)", "15"),
        ("Bond forfeiture (dollars)", "10000"),
    ):
        terms = page.get_by_test_id("term-form")
        terms.get_by_label("Kind").select_option(label=kind)
        terms.get_by_label("Amount (hours, dollars, sessions)").fill(amount)
        terms.get_by_label("Due on").fill("2019-03-26")
        terms.get_by_role("button", name="Add term").click()
    _log_term(page, "term-community_service", "Hours performed", "15")
    _log_term(page, "term-bond_forfeiture", "Payment", "10000")
    expect(page.get_by_test_id("term-community_service")).to_contain_text("15.00 / 15.00 hours")
    complete = page.get_by_test_id("complete-form")
    complete.get_by_label("Completed on").fill("2019-03-26")
    complete.get_by_role("button", name="Record completion").click()
    expect(page.get_by_test_id("enrolment-status")).to_have_text("Completed")
    _shot(page, "08-terms-completed")
    page.get_by_role("link", name=CASE).click()
    table = page.get_by_test_id("disposition-table")
    expect(table).to_contain_text("Nolle prosequi with conditions")
    expect(table.get_by_test_id("performed-consideration")).to_have_count(16)
    expect(table).to_contain_text("Community service (hours) 15.00 hours")
    expect(table).to_contain_text("Bond forfeiture (dollars) 10000.00 dollars")
    _shot(page, "08-dispositions", table)
    page.goto(case_url)
    page.get_by_test_id("sealing-link").click()
    page.get_by_test_id("record-sealing").click()
    page.get_by_label("Kind").select_option("immediate")
    _court_order(page, "Rosa Castellanos", "2019-03-26", "19-CR-03104-SEAL")
    # Prosecutors still see it, after stating why; the reason is logged with the read.
    _reason_if_asked(page, "Recording the disposition and the sealing order.")
    expect(page.get_by_test_id("sealed-banner")).to_be_visible()
    _shot(page, "08-sealed")
    # Gone from records-request output: the records officer gets a missing case.
    sign_in(page, demo, "epark")
    response = page.goto(case_url)
    assert response is not None
    assert response.status == 404
    page.goto(f"{demo.url}/cases/?q={CASE}")
    expect(page.locator("#results")).not_to_contain_text(CASE)

    # Step 9 — 27 Mar: comparable historical cases and how they ended.
    sign_in(page, demo, "hweiss")
    page.goto(decision_url)
    _reason_if_asked(page, "Finding examples of comparable dispositions.")
    page.get_by_role("link", name="Comparable dispositions").click()
    page.get_by_role("button", name="Search").click()
    counts = page.get_by_test_id("outcome-counts")
    expect(counts).to_contain_text("Prosecutor dismissal (nolle prosequi)")
    expect(counts).to_contain_text("Guilty plea")
    history = page.get_by_test_id("history-results")
    expect(history.locator("a").first).to_be_visible()
    _shot(page, "09-comparable-dispositions")

    # Step 10 — Apr: Sam Ortiz's request; the extension; the 13(c) denial while sealed.
    number = _file_public_request(
        page, demo, "All communications between Dana Whitlock and Martin Keogh about the case."
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
    sign_in(page, demo, "epark")
    _open_request(page, demo, number)
    expect(page.get_by_test_id("deadline-steps")).to_contain_text(original.explanation())
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
    _shot(page, "10-request-extended")
    _search_records(page, "exhibit")
    expect(page.get_by_test_id("search-results")).not_to_contain_text("Vale charging")
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
        "Public Access Counselor",
        "within 60 days",
        "5 ILCS 140/11",
        "Ellen Park, Records (FOIA) officer",
    ):
        expect(letter).to_contain_text(required)
    _shot(page, "10-denial-letter")
    page.goto(tracking_url)
    expect(page.get_by_test_id("tracking-status")).to_contain_text("Denied")

    # Step 11 — Apr: the inspector general, by court order, reads the sealed case read-only.
    sign_in(page, demo, "hweiss")
    page.goto(f"{case_url}sealing/")
    _reason_if_asked(page, "Recording the court's order for the inspector general.")
    page.get_by_test_id("record-grant").click()
    grant = page.get_by_test_id("order-form")
    grant.get_by_label("Username of the person named").fill("pbrandt")
    grant.get_by_label("Scope").fill("The inspector general may read the file for her review.")
    _court_order(page, "Rosa Castellanos", "2019-04-15", "19-CR-03104-IG")
    expect(page.get_by_test_id("sealing-grants")).to_contain_text("Paula Brandt")
    sign_in(page, demo, "pbrandt")
    page.goto(case_url)
    _reason_if_asked(page, "Inspector general's review of the office's handling of the case.")
    expect(page.locator("h1")).to_contain_text(CASE)
    expect(page.get_by_role("button", name="Add to team")).to_have_count(0)
    page.goto(f"{demo.url}/oversight/")
    expect(page.get_by_test_id("refusals-by-actor")).to_contain_text("dwhitlock")
    _shot(page, "11-oversight")
    page.get_by_role("link", name="Access report").click()
    page.get_by_label("Case number").fill(CASE)
    page.get_by_label("At (or from)").fill("2019-01-01 00:00")
    page.get_by_label("Until").fill((today + dt.timedelta(days=1)).isoformat() + " 00:00")
    page.get_by_role("button", name="Report").click()
    report = page.get_by_test_id("access-report")
    expect(report).to_contain_text("Dana Whitlock")
    expect(report).to_contain_text("Harold Weiss")
    expect(page.get_by_test_id("case-refusals")).to_contain_text("dwhitlock")
    _shot(page, "11-access-report", report)
    page.goto(f"{demo.url}/oversight/audit/?actor=dwhitlock")
    log = page.get_by_test_id("audit-log")
    expect(log).to_contain_text("In-office acting delegation refused")
    expect(log).to_contain_text("Message held as an attempted breach")
    _shot(page, "11-audit-log")
    # The chain verified independently, from an export, by a program outside the server.
    export = tmp_path / "audit.jsonl"
    cli = [sys.executable, "-m", "evenhand.cli"]
    subprocess.run(
        [*cli, "audit", "export", "--output", str(export), "--as-user", "pbrandt"],
        env=demo.env,
        cwd=REPO,
        check=True,
        capture_output=True,
        timeout=120,
    )
    verify = subprocess.run(
        [sys.executable, "-m", "evenhand.audit.chain", str(export)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert verify.returncode == 0, verify.stdout
    assert verify.stdout.startswith("PASS")

    # Step 12 — 23 May: unsealed; the renewed request answered with redactions and a log.
    sign_in(page, demo, "hweiss")
    page.goto(f"{case_url}sealing/")
    _reason_if_asked(page, "Recording the court's unsealing order.")
    page.get_by_test_id("record-unsealing").click()
    _court_order(page, "Rosa Castellanos", "2019-05-23", "19-CR-03104-UNSEAL")
    expect(page.get_by_test_id("sealing-status")).to_have_text("Not sealed.")
    renewed = _file_public_request(
        page, demo, "The Whitlock and Keogh messages about the Vale case, now unsealed."
    )
    sign_in(page, demo, "epark")
    _open_request(page, demo, renewed)
    _search_records(page, "exhibit")
    results = page.get_by_test_id("search-results")
    expect(results.locator("tr", has_text="Vale charging")).to_have_count(2)
    _shot(page, "12-search")
    for _ in range(2):
        add = page.get_by_role("button", name="Add to review")
        page.get_by_test_id("search-results").locator("tr", has_text="Vale charging").filter(
            has=add
        ).first.get_by_role("button", name="Add to review").click()
        expect(page.locator(".messages li").first).to_contain_text("suggested redactions")
        page.get_by_test_id("records-search").get_by_role("button", name="Search").click()
    for index in range(2):
        page.get_by_test_id("review-records").get_by_role("link").nth(index).click()
        table = page.get_by_test_id("redactions")
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
        _shot(page, f"12-redaction-{index + 1}", table)
        page.get_by_test_id("decision-form").get_by_label("Decision").select_option("responsive")
        page.get_by_test_id("decision-form").get_by_role("button", name="Record decision").click()
        page.get_by_role("link", name=f"← {renewed}").click()
    page.get_by_test_id("respond-form").get_by_role("button", name="Issue the response").click()
    expect(page.get_by_test_id("letter-issued")).to_contain_text("Partial grant letter issued")
    with page.expect_download() as package_info:
        page.get_by_test_id("package-link").click()
    package = zipfile.ZipFile(package_info.value.path())
    copies = [n for n in package.namelist() if n.startswith("records/") and n.endswith(".txt")]
    assert len(copies) == 2
    released = "".join(package.read(name).decode() for name in copies)
    assert PHONE not in released
    assert PERSONAL_EMAIL not in released
    assert released.count("[REDACTED 7(1)(b)]") == 2
    log_rows = list(csv.DictReader(io.StringIO(package.read("redaction-log.csv").decode())))
    assert {row["exemption"] for row in log_rows if row["decision"] == "accepted"} == {"7(1)(b)"}
    page.get_by_role("link", name="Letter", exact=True).click()
    _shot(page, "12-release-letter")
    # The unredacted originals stay under access control: the public sees the package only.
    page.context.clear_cookies()
    page.goto(case_url)
    expect(page).to_have_url(re.compile(r"/login/"))

    # Step 13 — Feb 2020: six counts against Vale again; the bar warns, the override is kept.
    second_id, second_number = _shell(demo, SECOND_CASE).split()[-2:]
    sign_in(page, demo, "praman")
    page.goto(f"{demo.url}/cases/{second_id}/dispositions/")
    page.get_by_test_id("file-checked-link").click()
    page.locator("#id_participant").select_option(label="Jordan Vale")
    page.get_by_label("Statute").select_option(value=FALSE_REPORT)
    page.get_by_label("Counts").fill("6")
    page.get_by_label("Filed on").fill("2020-02-11")
    page.get_by_test_id("file-submit").click()
    warning = page.get_by_test_id("bar-warning")
    expect(warning).to_contain_text(CASE)
    expect(warning).to_contain_text("Nolle prosequi with conditions for performed consideration")
    expect(warning).to_contain_text("People v. Smollett, 2024 IL 130431")
    _shot(page, "13-bar-warning", warning)
    page.get_by_label("Reason to proceed despite the bar (recorded)").fill(
        "The special prosecutor contends the earlier agreement is void."
    )
    page.get_by_test_id("file-submit").click()
    expect(page.locator(".messages")).to_contain_text("the bar override is recorded")
    page.goto(f"{demo.url}/cases/{second_id}/audit/")
    expect(page.locator("main")).to_contain_text("Re-prosecution bar warning shown")
    expect(page.locator("main")).to_contain_text("Re-prosecution bar overridden with reason")
    assert second_number in page.content()
    _shot(page, "13-bar-override")
