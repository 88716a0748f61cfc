"""The pages: public form and tracking without login, the officer's desk and workspace."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from evenhand.accounts.models import Role, User
from evenhand.records_requests.forms import PublicRequestForm
from evenhand.records_requests.models import RecordsRequest
from evenhand.records_requests.services import request_extend
from tests.factories import make_user

from .factories import make_officer, make_records_request, whitlock_writes_keogh

pytestmark = pytest.mark.django_db
APRIL_8 = "2019-04-08 10:00 -05:00"


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(**overrides: str) -> dict[str, str]:
    data = {
        "requester_name": "Sam Ortiz",
        "description": "<script>alert(1)</script> Whitlock and Keogh communications.",
        "medium": "electronic",
        "website": "",
        "started": PublicRequestForm.clock(),
    }
    data.update(overrides)
    return data


def test_public_form_gives_a_tracking_page_with_escaped_status_only() -> None:
    client = Client()
    with time_machine.travel(APRIL_8) as traveller:
        page = client.get(reverse("records-public-form"))
        assert page.status_code == 200
        data = _form()
        traveller.shift(dt.timedelta(seconds=30))
        response = client.post(reverse("records-public-form"), data)
    assert response.status_code == 302
    request = RecordsRequest.objects.get()
    assert response["Location"] == reverse("records-track", args=[request.tracking_token])
    with time_machine.travel(APRIL_8):
        tracking = client.get(response["Location"])
    body = tracking.content.decode()
    assert "Monday 15 April 2019" in body
    assert "<script>alert(1)</script>" not in body
    assert "Whitlock" not in body  # status and dates only
    assert tracking["Cache-Control"] == "no-store"
    assert client.get(reverse("records-track", args=["x" * 43])).status_code == 404


def test_public_form_refuses_too_fast_and_oversized_with_clear_messages() -> None:
    client = Client()
    with time_machine.travel(APRIL_8):
        fast = client.post(reverse("records-public-form"), _form())
        assert "could not be accepted" in fast.content.decode()
        huge = client.post(
            reverse("records-public-form"), _form(description="word " * 2500, started="forged")
        )
    assert huge.status_code == 200
    assert "too long" in huge.content.decode()
    assert not RecordsRequest.objects.exists()


@time_machine.travel(APRIL_8)
def test_desk_lists_overdue_and_due_soon_requests() -> None:
    officer = make_officer()
    overdue = make_records_request(officer, received_on=dt.date(2019, 3, 25))
    soon = make_records_request(officer, received_on=dt.date(2019, 4, 3))
    later = make_records_request(officer, received_on=dt.date(2019, 4, 8))
    client = _signed_in(officer)
    page = client.get(reverse("records-desk")).content.decode()
    overdue_at = page.index('data-testid="overdue"')
    soon_at = page.index('data-testid="due-soon"')
    open_at = page.index('data-testid="open"')
    assert overdue_at < page.index(overdue.number) < soon_at
    assert soon_at < page.index(soon.number) < open_at
    assert open_at < page.index(later.number)


@time_machine.travel(APRIL_8)
def test_request_page_shows_how_each_date_was_computed() -> None:
    officer = make_officer()
    request = make_records_request(officer, received_on=dt.date(2019, 2, 8))
    client = _signed_in(officer)
    page = client.get(reverse("records-request", args=[request.pk])).content.decode()
    assert "Lincoln&#x27;s Birthday, state holiday" in page
    assert "Tuesday 19 February 2019" in page


@time_machine.travel(APRIL_8)
def test_extension_errors_are_shown_on_the_form() -> None:
    officer = make_officer()
    request = make_records_request(officer, received_on=dt.date(2019, 3, 25))
    client = _signed_in(officer)
    response = client.post(
        reverse("records-extend", args=[request.pk]),
        {"reason": "categorical", "facts": "Broad request.", "notice_sent_on": "2019-04-08"},
    )
    assert response.status_code == 422
    assert "too late to extend" in response.content.decode()
    bogus = client.post(
        reverse("records-extend", args=[request.pk]),
        {"reason": "because", "facts": "x", "notice_sent_on": "2019-03-26"},
    )
    assert bogus.status_code == 422
    request_extend(
        actor=officer,
        request_id=request.pk,
        reason="categorical",
        facts="Broad request.",
        notice_sent_on=dt.date(2019, 3, 26),
    )


@time_machine.travel(APRIL_8)
def test_other_staff_cannot_open_the_desk_and_anonymous_users_are_sent_to_log_in() -> None:
    asa = make_user(role=Role.ASSISTANT_STATES_ATTORNEY)
    assert _signed_in(asa).get(reverse("records-desk")).status_code == 403
    assert Client().get(reverse("records-desk")).status_code == 302


@time_machine.travel(APRIL_8)
def test_workspace_adds_a_record_decides_redactions_and_downloads_the_package() -> None:
    officer = make_officer()
    message = whitlock_writes_keogh()
    request = make_records_request(officer)
    client = _signed_in(officer)
    added = client.post(
        reverse("records-add", args=[request.pk]), {"kind": "message", "object_id": message.pk}
    )
    assert added.status_code == 302
    record = request.records.get()
    page = client.get(reverse("records-record", args=[request.pk, record.pk])).content.decode()
    assert "<mark" in page
    assert "312-555-0142" in page
    for redaction in record.redactions.all():
        response = client.post(
            reverse("records-redaction-decide", args=[request.pk, record.pk, redaction.pk]),
            {"accept": "yes", "exemption": redaction.exemption},
        )
        assert response.status_code == 302
    outside = client.post(
        reverse("records-redaction-new", args=[request.pk, record.pk]),
        {"start": 5, "end": 10_000, "exemption": "7(1)(b)"},
    )
    assert outside.status_code == 422
    assert "outside the record" in outside.content.decode()
    client.post(
        reverse("records-record-decide", args=[request.pk, record.pk]), {"decision": "responsive"}
    )
    issued = client.post(
        reverse("records-respond", args=[request.pk]), {"issued_on": "2019-04-08", "paper_pages": 0}
    )
    assert issued.status_code == 302
    package = client.get(reverse("records-package", args=[request.pk]))
    assert package["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(package.content)).namelist()
    assert "letter.pdf" in names
    assert "redaction-log.csv" in names
    pdf = client.get(reverse("records-letter-pdf", args=[request.pk]))
    assert pdf.content.startswith(b"%PDF")
    published = client.post(reverse("records-publish", args=[request.pk]))
    assert published.status_code == 302
    library = Client().get(reverse("records-library")).content.decode()
    assert request.number in library
    public_zip = Client().get(reverse("records-library-package", args=[request.pk]))
    public_names = zipfile.ZipFile(io.BytesIO(public_zip.content)).namelist()
    assert "letter.html" not in public_names
