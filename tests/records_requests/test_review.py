"""Review, redaction, letters and the release package."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import pytest
import time_machine
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from evenhand.accounts.models import Role
from evenhand.comms.models import Message
from evenhand.records_requests.models import RecordDecision, RedactionDecision, ResponseKind
from evenhand.records_requests.package import release_package
from evenhand.records_requests.services import (
    RecordSealedError,
    record_add,
    record_decide,
    redaction_decide,
    redaction_propose,
    request_extend,
    request_publish,
    request_withhold_sealed_case,
    response_issue,
)
from evenhand.records_requests.sources import RecordNotFoundError
from tests.factories import make_case, make_user

from .factories import make_officer, make_records_request, seal, unseal, whitlock_writes_keogh

pytestmark = pytest.mark.django_db


@time_machine.travel("2019-04-08 10:00 -05:00")
def test_sealed_case_gives_a_denial_with_everything_the_law_requires() -> None:
    officer = make_officer()
    make_user(role=Role.STATES_ATTORNEY, first_name="Dana", last_name="Whitlock")
    case = make_case(title="People v. Jordan Vale")
    seal(case)
    request = make_records_request(officer)
    extended = request_extend(
        actor=officer,
        request_id=request.pk,
        reason="exemption_review",
        facts="The communications must be reviewed for exempt material.",
        notice_sent_on=dt.date(2019, 4, 8),
    )
    assert extended.extended_due_on == dt.date(2019, 4, 22)
    request_withhold_sealed_case(actor=officer, request_id=request.pk, case_number=case.number)
    letter = response_issue(actor=officer, request_id=request.pk, issued_on=dt.date(2019, 4, 8))
    assert letter.kind == ResponseKind.DENIAL
    for text in (letter.html, letter.text):
        assert "13(c)" in text
        assert "20 ILCS 2630/13(c)" in text
        assert f"sealed case {case.number}" in text
        assert "Public Access Counselor" in text
        assert "(877) 299-3642" in text
        assert "500 South Second Street" in text
        assert "5 ILCS 140/11" in text  # judicial review
        assert "Ellen Park" in text
        assert "Records (FOIA) officer" in text
        assert "Dana Whitlock, State" in text
        assert "Factual basis" in text
    assert letter.fee_cents == 0


@time_machine.travel("2019-04-08 10:00 -05:00")
def test_unsealed_messages_are_redacted_and_released_from_untouched_originals() -> None:
    officer = make_officer()
    case = make_case(title="People v. Jordan Vale")
    message = whitlock_writes_keogh(case=case)
    body_before = message.body
    request = make_records_request(officer)
    record = record_add(
        actor=officer, request_id=request.pk, kind="message", object_id=str(message.pk)
    )
    suggested = {r.text: r for r in record.redactions.all()}
    assert "312-555-0142" in suggested
    assert "dana.whitlock.home@gmail.com" in suggested
    # The office address is official, not a personal e-mail address.
    assert "dwhitlock@cookcountysao.org" not in suggested
    assert {r.exemption for r in suggested.values() if r.kind in {"phone", "email"}} == {"7(1)(b)"}
    with pytest.raises(ValidationError, match="Decide every record"):
        response_issue(actor=officer, request_id=request.pk, issued_on=dt.date(2019, 4, 8))
    record_decide(actor=officer, record_id=record.pk, decision=RecordDecision.RESPONSIVE)
    with pytest.raises(ValidationError, match="suggested redaction"):
        response_issue(actor=officer, request_id=request.pk, issued_on=dt.date(2019, 4, 8))
    for redaction in record.redactions.all():
        redaction_decide(
            actor=officer,
            redaction_id=redaction.pk,
            accept=redaction.kind in {"phone", "email"},
        )
    letter = response_issue(actor=officer, request_id=request.pk, issued_on=dt.date(2019, 4, 8))
    assert letter.kind == ResponseKind.PARTIAL
    assert "7(1)(b)" in letter.html
    assert "5 ILCS 140/2(c-5)" in letter.html

    package = zipfile.ZipFile(io.BytesIO(release_package(request)))
    names = set(package.namelist())
    assert {"redaction-log.csv", "letter.html", "letter.pdf"} <= names
    text_copy = next(n for n in names if n.endswith(".txt"))
    released = package.read(text_copy).decode()
    assert "312-555-0142" not in released
    assert "dana.whitlock.home@gmail.com" not in released
    assert "[REDACTED 7(1)(b)]" in released
    assert "dwhitlock@cookcountysao.org" in released
    pdf_copy = next(n for n in names if n.endswith(".pdf") and n.startswith("records/"))
    pdf_text = "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(package.read(pdf_copy))).pages
    )
    assert "312-555-0142" not in pdf_text
    assert "REDACTED" in pdf_text
    log = list(csv.DictReader(io.StringIO(package.read("redaction-log.csv").decode())))
    assert {row["exemption"] for row in log if row["decision"] == "accepted"} == {"7(1)(b)"}
    assert all(row["citation"] for row in log)
    # The originals are never changed: the message, and the kept copy with its hash.
    assert Message.objects.get(pk=message.pk).body == body_before
    record.refresh_from_db()
    assert "312-555-0142" in record.original_text


@time_machine.travel("2019-04-08 10:00 -05:00")
def test_a_sealed_cases_record_is_not_added_but_withheld() -> None:
    officer = make_officer()
    case = make_case()
    message = whitlock_writes_keogh(case=case)
    seal(case)
    request = make_records_request(officer)
    # The records officer has no standing to see sealed cases: the record is simply not found.
    with pytest.raises((RecordNotFoundError, RecordSealedError)):
        record_add(actor=officer, request_id=request.pk, kind="message", object_id=str(message.pk))
    unseal(case, on=dt.date(2019, 4, 8))
    record = record_add(
        actor=officer, request_id=request.pk, kind="message", object_id=str(message.pk)
    )
    assert record.case_number == case.number


@time_machine.travel("2019-04-08 10:00 -05:00")
def test_unknown_exemptions_and_spans_outside_the_text_are_refused() -> None:
    officer = make_officer()
    message = whitlock_writes_keogh(body="Plain words with nothing private in them at all.")
    request = make_records_request(officer)
    record = record_add(
        actor=officer, request_id=request.pk, kind="message", object_id=str(message.pk)
    )
    length = len(record.original_text)
    with pytest.raises(ValidationError, match="outside the record"):
        redaction_propose(
            actor=officer,
            record_id=record.pk,
            start=length - 2,
            end=length + 5,
            exemption="7(1)(c)",
        )
    with pytest.raises(ValidationError, match="Unknown exemption"):
        redaction_propose(actor=officer, record_id=record.pk, start=0, end=4, exemption="7(1)(z)")
    with pytest.raises(ValidationError, match="Unknown exemption"):
        record_decide(
            actor=officer,
            record_id=record.pk,
            decision=RecordDecision.WITHHELD,
            exemption_code="99",
            basis="x",
        )
    with pytest.raises(ValidationError, match="factual basis"):
        record_decide(
            actor=officer,
            record_id=record.pk,
            decision=RecordDecision.WITHHELD,
            exemption_code="7(1)(m)",
        )
    with pytest.raises(RecordNotFoundError):
        record_add(actor=officer, request_id=request.pk, kind="message", object_id="999999")
    with pytest.raises(RecordNotFoundError):
        record_add(actor=officer, request_id=request.pk, kind="nonsense", object_id="1")
    redaction = redaction_propose(
        actor=officer, record_id=record.pk, start=0, end=4, exemption="7(1)(c)"
    )
    assert redaction.decision == RedactionDecision.ACCEPTED
    assert record.redactions.count() == 1


@time_machine.travel("2019-04-08 10:00 -05:00")
def test_scripts_in_the_request_are_text_in_the_letter_and_inert_in_the_pdf() -> None:
    officer = make_officer()
    request = make_records_request(
        officer, description="<script>alert('x')</script> all memos about the Vale case"
    )
    letter = response_issue(actor=officer, request_id=request.pk, issued_on=dt.date(2019, 4, 8))
    assert "<script>" not in letter.html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in letter.html
    assert "<script>alert('x')</script>" in letter.text
    package = zipfile.ZipFile(io.BytesIO(release_package(request)))
    reader = PdfReader(io.BytesIO(package.read("letter.pdf")))
    assert "<script>alert('x')</script>" in reader.pages[0].extract_text()
    # No JavaScript or actions in the PDF: the text is drawn, nothing more.
    raw = package.read("letter.pdf")
    assert b"/JavaScript" not in raw
    assert b"/JS " not in raw


@time_machine.travel("2019-04-30 10:00 -05:00")
def test_a_late_answer_charges_nothing_and_cannot_claim_undue_burden() -> None:
    officer = make_officer()
    request = make_records_request(officer, medium="paper")
    message = whitlock_writes_keogh(body="Long memo about staffing and the budget for 2019.")
    record = record_add(
        actor=officer, request_id=request.pk, kind="message", object_id=str(message.pk)
    )
    record_decide(
        actor=officer,
        record_id=record.pk,
        decision=RecordDecision.WITHHELD,
        exemption_code="3(g)",
        basis="Thousands of pages.",
    )
    with pytest.raises(ValidationError, match="unduly burdensome"):
        response_issue(
            actor=officer, request_id=request.pk, issued_on=dt.date(2019, 4, 30), paper_pages=80
        )
    record_decide(actor=officer, record_id=record.pk, decision=RecordDecision.RESPONSIVE)
    letter = response_issue(
        actor=officer, request_id=request.pk, issued_on=dt.date(2019, 4, 30), paper_pages=80
    )
    assert letter.fee_cents == 0
    assert "after the due date" in letter.text


@time_machine.travel("2019-04-10 10:00 -05:00")
def test_an_on_time_paper_response_charges_per_page_after_fifty() -> None:
    officer = make_officer()
    request = make_records_request(officer, medium="paper")
    letter = response_issue(
        actor=officer, request_id=request.pk, issued_on=dt.date(2019, 4, 10), paper_pages=80
    )
    assert letter.fee_cents == 30 * 15
    assert letter.fee_display == "$4.50"


@time_machine.travel("2019-04-08 10:00 -05:00")
def test_only_released_unsealed_records_are_published() -> None:
    officer = make_officer()
    case = make_case()
    message = whitlock_writes_keogh(body="Nothing private here, only the schedule.", case=case)
    request = make_records_request(officer)
    record = record_add(
        actor=officer, request_id=request.pk, kind="message", object_id=str(message.pk)
    )
    record_decide(actor=officer, record_id=record.pk, decision=RecordDecision.RESPONSIVE)
    for redaction in record.redactions.all():
        redaction_decide(actor=officer, redaction_id=redaction.pk, accept=False)
    response_issue(actor=officer, request_id=request.pk, issued_on=dt.date(2019, 4, 8))
    seal(case, on=dt.date(2019, 4, 8))
    with pytest.raises(ValidationError, match="sealed"):
        request_publish(actor=officer, request_id=request.pk)
