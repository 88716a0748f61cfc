"""A logged read outside any other transaction, as a page or an API call makes it, in a real
process on a database of its own (the suite's own test transaction would hide the commit):
the entry is committed and chained; an entry the database refuses fails the read with
Django's error, and nothing is committed; the connection then serves the next read.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from .conftest import Office

SCRIPT = """
import datetime, json
from django.db import DatabaseError, connection
from evenhand.accounts.models import Role
from evenhand.accounts.services import user_create
from evenhand.audit import services as audit_services
from evenhand.audit.models import AuditAction, AuditEntry
from evenhand.cases import services
from evenhand.screening.policies import access_case

asa = user_create(
    actor=None, username="praman", password="a-long-test-password-1",
    role=Role.ASSISTANT_STATES_ATTORNEY, first_name="Priya", last_name="Raman",
)
case = services.case_open(actor=asa, title="People v. Reed", received_on=datetime.date(2019, 3, 1))

def viewed():
    return AuditEntry.objects.filter(action=AuditAction.CASE_VIEWED, case_id=case.pk).count()

access_case(asa, case.pk)
first = viewed()
entries_before_failure = AuditEntry.objects.count()
real_sql = audit_services._insert_sql
audit_services._insert_sql = lambda vendor, returning: real_sql(vendor, returning).replace(
    '"action"', '"no_such_column"', 1
)
failure = ""
try:
    access_case(asa, case.pk)
except DatabaseError as error:
    failure = type(error).__module__ + "." + type(error).__name__
finally:
    audit_services._insert_sql = real_sql
entries_after_failure = AuditEntry.objects.count()
access_case(asa, case.pk)
result = audit_services.audit_verify_database()
print(json.dumps({
    "first": first,
    "failure": failure,
    "unchanged": entries_after_failure == entries_before_failure,
    "after": viewed(),
    "in_transaction": connection.in_atomic_block,
    "verified": result.ok,
}))
"""


def test_a_logged_read_commits_its_entry_or_fails_whole(
    make_office: Callable[[], Office],
) -> None:
    office = make_office()
    office.run("migrate", "--no-input", "-v0")
    output = office.run("shell", "-c", SCRIPT).stdout.strip().splitlines()[-1]
    assert json.loads(output) == {
        "first": 1,
        # The column the broken insert names does not exist: each engine's word for it.
        "failure": (
            "django.db.utils.ProgrammingError"
            if office.database_url
            else "django.db.utils.OperationalError"
        ),
        "unchanged": True,
        "after": 2,
        "in_transaction": False,
        "verified": True,
    }
