"""50 concurrent edits of the same charge through a real server: one wins, 49 get a clear
conflict, nothing is lost or doubled, and the audit chain stays intact."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request

from .conftest import Office, gunicorn

EDITORS = 50

SETUP = """
import datetime, json
from evenhand.accounts.models import User
from evenhand.accounts.services import api_token_create
from evenhand.cases import services
from evenhand.cases.models import ParticipantRole
asa = User.objects.get(username="praman")
case = services.case_open(
    actor=asa, title="People v. Concurrency", received_on=datetime.date(2019, 3, 1)
)
person = services.person_create(actor=asa, first_name="Lee", last_name="Marsh", aliases=())
participant = services.participant_add(
    actor=asa, case_id=case.pk, person=person, role=ParticipantRole.DEFENDANT
)
[charge] = services.charges_file(
    actor=asa, case_id=case.pk, participant_id=participant.pk,
    statute_key="720-5/26-1(a)(4)", counts=1, filed_on=case.received_on,
)
token = api_token_create(actor=asa, name="concurrency").secret
print(json.dumps({"case": case.pk, "charge": charge.pk, "token": token}))
"""


def _amend(base: str, token: str, case_id: int, charge_id: int, n: int) -> tuple[int, str]:
    body = json.dumps({"statute_key": "720-5/12-3", "reason": f"editor {n}"}).encode()
    request = urllib.request.Request(  # noqa: S310 (loopback URL built here)
        f"{base}/api/cases/{case_id}/charges/{charge_id}/amend",
        data=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return int(response.status), response.read().decode()
    except urllib.error.HTTPError as error:
        return int(error.code), error.read().decode()


def test_fifty_concurrent_amendments_of_one_charge(loaded_office: Office) -> None:
    ids = json.loads(loaded_office.run("shell", "-c", SETUP).stdout.strip().splitlines()[-1])
    results: list[tuple[int, str]] = []
    lock = threading.Lock()
    start = threading.Barrier(EDITORS)

    with gunicorn(loaded_office, workers=3, threads=8) as base:

        def editor(n: int) -> None:
            start.wait()
            outcome = _amend(base, ids["token"], ids["case"], ids["charge"], n)
            with lock:
                results.append(outcome)

        threads = [threading.Thread(target=editor, args=(n,)) for n in range(EDITORS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    statuses = sorted(status for status, _body in results)
    assert statuses == [201] + [409] * (EDITORS - 1), statuses
    conflicts = [json.loads(body)["detail"] for status, body in results if status == 409]
    assert all("changed by someone else" in detail for detail in conflicts)
    versions = loaded_office.sql(
        f"SELECT version, is_current FROM cases_charge WHERE case_id = {ids['case']} "
        "ORDER BY version"
    )
    assert [(int(str(v)), bool(c)) for v, c in versions] == [(1, False), (2, True)]
    amended = loaded_office.sql(
        "SELECT COUNT(*) FROM audit_auditentry WHERE action = 'charge.amended' "
        f"AND case_id = {ids['case']}"
    )
    assert amended == [(1,)]
    assert loaded_office.run("audit", "verify").stdout.startswith("PASS")
