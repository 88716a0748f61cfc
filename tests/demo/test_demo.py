"""The demo office loads the scenario as of step 3, once, through the audited services."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from evenhand.accounts.models import Role, User
from evenhand.audit.services import audit_verify_database
from evenhand.cases.models import ParticipantRole
from evenhand.cases.selectors import CaseFilters, case_detail, case_list
from evenhand.demo.cast import VALE_CASE_NUMBER

pytestmark = pytest.mark.django_db


def test_demo_loads_once_and_prints_logins(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with override_settings(DATA_DIR=tmp_path):
        call_command("demo", "--generated", "5")
        first = capsys.readouterr().out
        call_command("demo", "--generated", "5")
        second = capsys.readouterr().out
    passwords = json.loads((tmp_path / "demo-logins.json").read_text())
    assert set(passwords) >= {"dwhitlock", "mkeogh", "praman", "epark", "pbrandt", "hweiss"}
    assert passwords["praman"] in first
    assert passwords["praman"] in second
    assert "already loaded" in second
    assert User.objects.get(username="dwhitlock").role == Role.STATES_ATTORNEY
    assert audit_verify_database().ok


def test_vale_case_stands_as_at_step_three(tmp_path: Path) -> None:
    with override_settings(DATA_DIR=tmp_path):
        call_command(
            "demo",
            *("--generated", "0", "--password", "a-demo-password-for-tests"),
            *("--stage", "step3"),
        )
    raman = User.objects.get(username="praman")
    (case,) = case_list(user=raman, filters=CaseFilters(query=VALE_CASE_NUMBER))
    detail = case_detail(user=raman, case_id=case.pk)
    roles = {p.person.full_name: p.role for p in detail.participants}
    assert roles["Jordan Vale"] == ParticipantRole.SUSPECT
    assert roles["Cal Dunmore"] == roles["Reese Dunmore"] == ParticipantRole.WITNESS
    assert detail.case.title == "People v. Jordan Vale"
    assert not detail.charges  # charging is step 6
    weiss = User.objects.get(username="hweiss")
    assert not case_list(user=weiss, filters=CaseFilters()).exists()
