"""The demo's stages: the staff only, the case at step 3, and the whole story played to its end."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from evenhand.accounts.models import User
from evenhand.audit.models import AuditAction, AuditEntry, AuditOutcome
from evenhand.audit.services import audit_verify_database
from evenhand.cases.models import CaseStatus, ParticipantRole, SpecialProsecution
from evenhand.cases.selectors import CaseFilters, case_detail, case_list
from evenhand.comms.models import Message
from evenhand.demo.cast import VALE_CASE_NUMBER
from evenhand.demo.story import WHITLOCK_CELL, WHITLOCK_PERSONAL_EMAIL
from evenhand.dispositions.models import ChargeDisposition, DispositionKind
from evenhand.records_requests.models import RecordsRequest, ResponseLetter
from evenhand.sealing.selectors import is_sealed

pytestmark = pytest.mark.django_db
PASSWORD = "a-demo-password-for-tests"


def _load(tmp_path: Path, stage: str) -> None:
    with override_settings(DATA_DIR=tmp_path):
        call_command(
            "demo",
            "--generated",
            "0",
            "--password",
            PASSWORD,
            "--stage",
            stage,
            "--without-open-data",
        )


def test_cast_stage_loads_the_staff_and_no_case(tmp_path: Path) -> None:
    _load(tmp_path, "cast")
    raman = User.objects.get(username="praman")
    assert User.objects.filter(username__in=["dwhitlock", "hweiss", "pbrandt"]).count() == 3
    assert not case_list(user=raman, filters=CaseFilters()).exists()


def test_end_stage_plays_the_story_to_its_end(tmp_path: Path) -> None:
    _load(tmp_path, "end")
    raman = User.objects.get(username="praman")
    (case,) = case_list(user=raman, filters=CaseFilters(query=VALE_CASE_NUMBER))
    detail = case_detail(user=raman, case_id=case.pk)
    # Steps 4-6: with the court's appointee, Vale indicted on 16 counts.
    assert detail.case.special_prosecution == SpecialProsecution.APPOINTED
    roles = {p.person.full_name: p.role for p in detail.participants}
    assert roles["Jordan Vale"] == ParticipantRole.DEFENDANT
    assert len(detail.charges) == 16  # one charge per count
    # Step 8: every count nolle prosequi for performed consideration.
    dispositions = ChargeDisposition.objects.filter(charge__case_id=case.pk, is_current=True)
    assert dispositions.count() == 16
    assert {d.kind for d in dispositions} == {DispositionKind.NOLLE_PROSEQUI_CONDITIONS}
    assert all(d.performed_consideration for d in dispositions)
    # Steps 8 and 12: sealed at disposition, unsealed by the court.
    assert not is_sealed(case.pk)
    whitlock = User.objects.get(username="dwhitlock")
    # Step 7: the tagged message refused, the untagged one held; neither delivered.
    statuses = set(Message.objects.filter(sender=whitlock).values_list("status", flat=True))
    assert {"refused", "held", "delivered"} <= statuses
    # Refused attempts on record: the acting delegation, the screened reads, the bar warning.
    refused = set(
        AuditEntry.objects.filter(outcome=AuditOutcome.REFUSED).values_list("action", flat=True)
    )
    assert {AuditAction.ACTING_DELEGATION_REFUSED, AuditAction.BAR_WARNED} <= refused
    assert AuditEntry.objects.filter(action=AuditAction.BAR_OVERRIDDEN).count() == 1
    # Steps 10 and 12: the denial while sealed, then the release with redactions.
    letters = {
        letter.request.description: letter
        for letter in ResponseLetter.objects.select_related("request")
    }
    assert {letter.kind for letter in letters.values()} == {"denial", "partial"}
    denial = next(letter for letter in letters.values() if letter.kind == "denial")
    assert "13(c)" in denial.text
    released = RecordsRequest.objects.get(letter__kind="partial")
    copies = released.records.all()
    assert copies.count() == 2
    for record in copies:
        accepted = record.redactions.filter(decision="accepted")
        assert {r.exemption for r in accepted} == {"7(1)(b)"}
    texts = " ".join(r.original_text for r in copies)
    assert WHITLOCK_CELL in texts
    assert WHITLOCK_PERSONAL_EMAIL in texts
    # Step 11: the inspector general's court-ordered read of the sealed file is on record.
    brandt = User.objects.get(username="pbrandt")
    assert AuditEntry.objects.filter(actor=brandt, case_id=case.pk).exists()
    assert detail.case.status != CaseStatus.INTAKE
    assert audit_verify_database().ok
    verified = io.StringIO()
    call_command("audit", "verify", stdout=verified)
    assert verified.getvalue().startswith("PASS")
