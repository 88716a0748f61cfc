"""The demo records the relationships among the Vale case's participants from the case, so the
case's audit trail shows them; Tina Vale, who is not a participant, is linked outside it."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from evenhand.accounts.models import User
from evenhand.audit.models import AuditAction, AuditEntry
from evenhand.cases.models import Person, RelationshipKind
from evenhand.cases.selectors import CaseFilters, case_audit_trail, case_list
from evenhand.demo.cast import VALE_CASE_NUMBER
from tests.factories import json_object

pytestmark = pytest.mark.django_db


def _named(full_name: str) -> int:
    first, last = full_name.split()
    return Person.objects.get(first_name=first, last_name=last).pk


def test_the_vale_case_trail_shows_the_relationships_among_its_people(tmp_path: Path) -> None:
    with override_settings(DATA_DIR=tmp_path):
        call_command(
            "demo",
            *("--generated", "0", "--password", "a-demo-password-for-tests"),
            *("--stage", "step3"),
        )
    raman = User.objects.get(username="praman")
    (case,) = case_list(user=raman, filters=CaseFilters(query=VALE_CASE_NUMBER))

    _, trail = case_audit_trail(user=raman, case_id=case.pk)

    on_trail = {
        (after["from"], after["to"], after["kind"])
        for after in (
            json_object(entry.after)
            for entry in trail.filter(action=AuditAction.RELATIONSHIP_ADDED)
        )
    }
    cal, reese, lang = _named("Cal Dunmore"), _named("Reese Dunmore"), _named("Victor Lang")
    assert on_trail == {
        (cal, reese, RelationshipKind.RELATIVE_OF),
        (lang, cal, RelationshipKind.REPRESENTS),
        (lang, reese, RelationshipKind.REPRESENTS),
    }
    tina = AuditEntry.objects.get(
        action=AuditAction.RELATIONSHIP_ADDED, after__from=_named("Tina Vale")
    )
    assert tina.case_id is None
