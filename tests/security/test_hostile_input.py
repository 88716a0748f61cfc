"""Hostile input comes back inert everywhere it is shown: HTML pages, letters, PDFs and CSV.

Payloads go into every text a member of the public or a data file controls (the records form,
open-data values) and into the case texts staff type; each page, letter, PDF and CSV that
shows them is checked. Forms refuse posts without a CSRF token.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pyarrow as pa
import pytest
import time_machine
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse
from pypdf import PdfReader

from evenhand.accounts.models import Role, User
from evenhand.analytics import store
from evenhand.cases import services as case_services
from evenhand.cases.models import CaseEventKind, ParticipantRole
from evenhand.comms.services import message_send
from evenhand.records_requests.forms import PublicRequestForm
from evenhand.records_requests.models import RecordsRequest
from tests.factories import add_participant, make_case, make_user

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('xss')</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
FORMULA = '=HYPERLINK("http://evil.example/x","click")'
PAYLOADS = (SCRIPT, ATTRIBUTE)


class _HandlerFinder(HTMLParser):
    """Collects elements that carry an inline event handler attribute (on...=)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [f"<{tag} {name}=...>" for name, _value in attrs if name.startswith("on")]


def _event_handlers(html: str) -> list[str]:
    # evenhand's own pages have none (the CSP forbids inline script): any handler can only
    # come from input that was not escaped.
    finder = _HandlerFinder()
    finder.feed(html)
    return finder.found


def _assert_inert(html: str, *, where: str) -> None:
    for payload in PAYLOADS:
        assert payload not in html, f"raw payload {payload!r} in {where}"
    assert "<script>alert" not in html, where
    # Escaped text may still read "onerror=alert" (a search snippet cuts it short); what must
    # never appear is markup that carries a handler.
    assert not _event_handlers(html), f"an element with a handler in {where}"


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --------------------------------------------------------------------- the public form


def _public_form(**values: str) -> dict[str, str]:
    data = {
        "requester_name": f"Sam {SCRIPT}",
        "requester_organisation": f"Ledger {ATTRIBUTE}",
        "requester_email": "sam.ortiz@example.org",
        "requester_address": f"{FORMULA} {SCRIPT}",
        "description": f"All memos {SCRIPT} {ATTRIBUTE} about the Vale case.",
        "medium": "electronic",
        "website": "",
        "started": PublicRequestForm.clock(),
    }
    data.update(values)
    return data


def test_public_request_payloads_are_inert_on_every_page_letter_and_pdf() -> None:
    officer = make_user(role=Role.RECORDS_OFFICER, first_name="Ellen", last_name="Park")
    public = Client()
    with time_machine.travel(dt.datetime(2019, 4, 8, 14, tzinfo=dt.UTC)) as traveller:
        public.get(reverse("records-public-form"))
        form = _public_form()
        traveller.shift(dt.timedelta(seconds=30))
        posted = public.post(reverse("records-public-form"), form)
        assert posted.status_code == 302, posted.content.decode()[:2000]
        tracking = public.get(posted["Location"]).content.decode()
        _assert_inert(tracking, where="the tracking page")

        request = RecordsRequest.objects.get()
        staff = _signed_in(officer)
        for name, url in (
            ("the desk", reverse("records-desk")),
            ("the request page", reverse("records-request", args=[request.pk])),
        ):
            page = staff.get(url)
            assert page.status_code == 200
            _assert_inert(page.content.decode(), where=name)
            assert "&lt;script&gt;" in page.content.decode()

        answered = staff.post(
            reverse("records-respond", args=[request.pk]),
            {"issued_on": "2019-04-08", "paper_pages": 0},
        )
        assert answered.status_code in {200, 302}
        letter = staff.get(reverse("records-letter", args=[request.pk])).content.decode()
        _assert_inert(letter, where="the letter")
        pdf = staff.get(reverse("records-letter-pdf", args=[request.pk])).content
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
        assert "alert('xss')" in text  # shown as text, verbatim
        assert b"/JavaScript" not in pdf
        assert b"/JS " not in pdf
        package = zipfile.ZipFile(
            io.BytesIO(staff.get(reverse("records-package", args=[request.pk])).content)
        )
        for name in package.namelist():
            content = package.read(name)
            if name.endswith((".html", ".htm")):
                _assert_inert(content.decode(), where=f"{name} in the package")
            if name.endswith(".csv"):
                for row in csv.reader(io.StringIO(content.decode())):
                    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row), (
                        name,
                        row,
                    )


def test_forms_refuse_posts_without_a_csrf_token() -> None:
    strict = Client(enforce_csrf_checks=True)
    with time_machine.travel(dt.datetime(2019, 4, 8, 14, tzinfo=dt.UTC)):
        refused = strict.post(reverse("records-public-form"), _public_form())
    assert refused.status_code == 403
    assert not RecordsRequest.objects.exists()

    asa = make_user()
    staff = Client(enforce_csrf_checks=True)
    staff.force_login(asa)
    case = make_case(actor=asa)
    contacts_before = case.contacts.count()
    refused_staff = staff.post(
        reverse("case-contact", args=[case.pk]),
        {"summary": "Spoke with a witness", "channel": "phone"},
    )
    assert refused_staff.status_code == 403
    assert case.contacts.count() == contacts_before


# ------------------------------------------------------------------- staff-typed texts


def test_case_texts_are_inert_on_the_case_pages_search_and_message_export() -> None:
    asa = make_user(first_name="Priya", last_name="Raman")
    case = make_case(actor=asa, title=f"People v. {SCRIPT}")
    add_participant(
        case, actor=asa, role=ParticipantRole.WITNESS, first_name="Vale", last_name=ATTRIBUTE[:90]
    )
    case_services.case_event_record(
        actor=asa,
        case_id=case.pk,
        kind=CaseEventKind.NOTE,
        summary=f"Vale note {SCRIPT}",
        occurred_at=dt.datetime(2019, 2, 1, 12, tzinfo=dt.UTC),
    )
    keogh = make_user(role=Role.FIRST_ASSISTANT, first_name="Martin", last_name="Keogh")
    message_send(
        actor=asa,
        recipients=[keogh],
        subject=FORMULA,
        body=f"Vale {SCRIPT} {ATTRIBUTE}",
        case_ids=[case.pk],
    )
    client = _signed_in(asa)
    for name, url in (
        ("the case list", reverse("case-list") + "?q=Vale"),
        ("the case page", reverse("case-detail", args=[case.pk])),
        ("the audit trail", reverse("case-audit", args=[case.pk])),
        ("the search page", reverse("search") + "?q=Vale"),
        ("the inbox", reverse("message-inbox")),
    ):
        response = client.get(url)
        assert response.status_code == 200, name
        _assert_inert(response.content.decode(), where=name)

    export = client.get(reverse("message-export"))
    assert export.status_code == 200
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    cells = [cell for row in rows for cell in row]
    assert any(FORMULA in cell for cell in cells)
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)


# ------------------------------------------------------------------ open-data values


@pytest.fixture
def empty_store(tmp_path: Path) -> Iterator[None]:
    with override_settings(EVENHAND_ANALYTICS_DIR=tmp_path / "analytics"):
        cache.clear()
        yield
        cache.clear()


def test_hostile_open_data_values_are_inert_on_the_public_page_and_csv(
    empty_store: None,
) -> None:
    people = 40
    category = f"{FORMULA} {SCRIPT}"
    intake = pa.table(
        {
            "case_id": [f"{n:012d}" for n in range(people)],
            "case_participant_id": [f"{n:013d}" for n in range(people)],
            "received_date": [dt.date(2019, 1, 1) + dt.timedelta(days=n) for n in range(people)],
            "offense_category": [category] * people,
            "race": [ATTRIBUTE] * people,
            "gender": ["Male"] * people,
            "felony_review_result": ["Approved"] * people,
        }
    )
    store.write_release("intake", "hostile", intake)

    public = Client()
    page = public.get(reverse("transparency"), {"group_by": "offense_category"})
    assert page.status_code == 200
    html = page.content.decode()
    _assert_inert(html, where="the public metrics page")
    assert "&lt;script&gt;" in html

    csv_response = public.get(
        reverse("transparency-csv", args=["referrals"]), {"group_by": "offense_category"}
    )
    assert csv_response.status_code == 200
    rows = list(csv.reader(io.StringIO(csv_response.content.decode())))
    cells = [cell for row in rows for cell in row]
    assert any("HYPERLINK" in cell for cell in cells)
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
