"""No sequence of sealing events lets a public or records path show a case while it is sealed.

A hypothesis state machine seals (immediately or by a later order), expunges, unseals, grants
the inspector general access by court order and revokes it, on two cases that each carry a
message. After every step it reads each case through every path that can show it: the policy
(`visible_cases`, `may`, `access_case`), the case page, the case list and the JSON API (with an
access reason stated, so only the policy decides), message search and the message export,
records-request search, and `sealed_case_ids`. While a case is sealed, nobody without standing
or a grant in force gets its content, and records search returns none of it to anyone.

Each example builds its world inside a savepoint that teardown rolls back (the audit table
refuses DELETE).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from evenhand.accounts.models import Role
from evenhand.cases import services as cases
from evenhand.cases.models import Case, ParticipantRole
from evenhand.comms.selectors import MessageFilters, message_search
from evenhand.comms.services import message_send
from evenhand.screening.policies import (
    CaseAction,
    CaseNotFoundError,
    access_case,
    may,
    visible_cases,
)
from evenhand.sealing.context import AccessReasons, access_reasons
from evenhand.sealing.middleware import remember_reason
from evenhand.sealing.models import SealingKind
from evenhand.sealing.selectors import sealed_case_ids
from evenhand.sealing.services import (
    OrderParticulars,
    access_grant_record,
    access_grant_revoke,
    sealing_order_record,
    unsealing_order_record,
)
from evenhand.search.selectors import SearchFilters, search_records
from tests.factories import make_user

pytestmark = pytest.mark.django_db

REASON = "Checked by the sealing state machine."
HEADERS = {"X-Access-Reason": REASON}
# Distinctive, so that finding one in a response can only mean the case leaked.
CASES = (
    ("2019-CR-000926", "People v. Vantongeren", "Leocadia", "Vantongeren"),
    ("2019-CR-000927", "People v. Quarrington", "Ignatius", "Quarrington"),
)
# Who keeps a sealed case by role; the machine's own statement, not the ruleset's.
STANDING = {Role.ASSISTANT_STATES_ATTORNEY, Role.INVESTIGATOR}
READERS = (
    Role.ASSISTANT_STATES_ATTORNEY,
    Role.INVESTIGATOR,
    Role.RECORDS_OFFICER,
    Role.INSPECTOR_GENERAL,
    Role.AUDITOR,
)
ASA, INVESTIGATOR, RECORDS, INSPECTOR, AUDITOR = range(len(READERS))
case_index = st.integers(0, len(CASES) - 1)


def _order() -> OrderParticulars:
    return OrderParticulars(
        court="Circuit Court of Cook County",
        judge="Rosa Castellanos",
        order_date=dt.date(2019, 3, 26),
        order_reference="19-CR-03104",
    )


class SealingMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        try:
            self._build()
        except BaseException:
            self.teardown()
            raise

    def _build(self) -> None:
        self.users = [make_user(role=role) for role in READERS]
        asa = self.users[ASA]
        self.case_ids: list[int] = []
        for number, title, first, last in CASES:
            case = cases.case_open(
                actor=asa, title=title, received_on=dt.date(2019, 1, 29), number=number
            )
            person = cases.person_create(actor=asa, first_name=first, last_name=last)
            cases.participant_add(
                actor=asa, case_id=case.pk, person=person, role=ParticipantRole.DEFENDANT
            )
            # A message in the case between the prosecutor and the records officer.
            message_send(
                actor=asa,
                recipients=[self.users[RECORDS]],
                subject=f"{number} file",
                body=f"{title}: the file of {first} {last} is ready.",
                case_ids=[case.pk],
            )
            self.case_ids.append(case.pk)
        self.clients: list[Client] = []
        for user in self.users:
            client = Client()
            client.force_login(user)
            session = client.session
            for case_id in self.case_ids:
                remember_reason(session, case_id, REASON)
            session.save()
            self.clients.append(client)
        self.sealed = [False] * len(CASES)
        self.expunged = [False] * len(CASES)
        self.grants: dict[int, int] = {}  # case index -> grant id in force for the inspector

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def may_read(self, user: int, case: int) -> bool:
        if not self.sealed[case] or READERS[user] in STANDING:
            return True
        return user == INSPECTOR and case in self.grants

    # --- Events ---------------------------------------------------------------------------

    @rule(case=case_index, kind=st.sampled_from(SealingKind))
    def seal(self, case: int, kind: SealingKind) -> None:
        def call() -> object:
            return sealing_order_record(
                actor=self.users[ASA],
                case_id=self.case_ids[case],
                kind=kind,
                particulars=_order(),
            )

        if self.sealed[case]:
            with pytest.raises(ValidationError, match="already sealed"):
                call()
            return
        call()
        self.sealed[case] = True
        self.expunged[case] = kind == SealingKind.EXPUNGEMENT

    @rule(case=case_index)
    def unseal(self, case: int) -> None:
        def call() -> object:
            return unsealing_order_record(
                actor=self.users[ASA], case_id=self.case_ids[case], particulars=_order()
            )

        if not self.sealed[case] or self.expunged[case]:
            with pytest.raises(ValidationError, match=r"not sealed|expunged"):
                call()
            return
        call()
        self.sealed[case] = False
        self.grants.pop(case, None)

    @rule(case=case_index, grantee=st.sampled_from([INSPECTOR, ASA]))
    def grant(self, case: int, grantee: int) -> None:
        def call() -> int:
            return access_grant_record(
                actor=self.users[ASA],
                case_id=self.case_ids[case],
                grantee=self.users[grantee],
                scope="Review of the office by the inspector general.",
                particulars=_order(),
            ).pk

        if not self.sealed[case] or grantee == ASA:
            with pytest.raises(ValidationError, match=r"not sealed|already may read"):
                call()
            return
        self.grants[case] = call()

    @precondition(lambda self: bool(self.grants))
    @rule(choice=st.integers(0, 3))
    def revoke(self, choice: int) -> None:
        case = sorted(self.grants)[choice % len(self.grants)]
        grant_id = self.grants.pop(case)
        access_grant_revoke(actor=self.users[ASA], grant_id=grant_id, reason="Order vacated.")

    @rule(user=st.integers(0, len(READERS) - 1), case=case_index)
    def read(self, user: int, case: int) -> None:
        """The single-case paths: the policy, the case page and the API detail."""
        allowed = self.may_read(user, case)
        person, client = self.users[user], self.clients[user]
        case_id = self.case_ids[case]
        with access_reasons(AccessReasons(for_request=REASON)):
            if allowed:
                assert access_case(person, case_id).pk == case_id
            else:
                with pytest.raises(CaseNotFoundError):
                    access_case(person, case_id)
        page = client.get(reverse("case-detail", args=[case_id]))
        api = client.get(f"/api/cases/{case_id}", headers=HEADERS)
        assert page.status_code == api.status_code == (200 if allowed else 404)
        if not allowed:
            assert self.leaks(case, page.content.decode() + api.content.decode()) == []

    # --- Invariants -----------------------------------------------------------------------

    def leaks(self, case: int, text: str) -> list[str]:
        return [secret for secret in CASES[case] if secret in text]

    @invariant()
    def sealed_case_ids_follow_the_orders(self) -> None:
        expected = {self.case_ids[i] for i, sealed in enumerate(self.sealed) if sealed}
        assert set(sealed_case_ids()) == expected

    @invariant()
    def the_policy_agrees_with_itself_and_the_orders(self) -> None:
        for index, user in enumerate(self.users):
            visible = set(visible_cases(user).values_list("pk", flat=True))
            for case, case_id in enumerate(self.case_ids):
                expected = self.may_read(index, case)
                assert (case_id in visible) == expected, (READERS[index], case)
                assert may(user, Case.objects.get(pk=case_id), CaseAction.VIEW) == expected

    @invariant()
    def lists_searches_and_exports_hold_back_sealed_cases(self) -> None:
        for index, user in enumerate(self.users):
            client = self.clients[index]
            listing = client.get("/api/cases", {"page_size": "100"}).json()
            listed = {item["id"] for item in listing["items"]}
            found = message_search(user=user, filters=MessageFilters())
            message_cases = {case.pk for message in found for case in message.cases.all()}
            export = client.get(reverse("message-export")).content.decode()
            for case, case_id in enumerate(self.case_ids):
                allowed = self.may_read(index, case)
                assert (case_id in listed) == allowed, (READERS[index], case)
                if not allowed:
                    assert case_id not in message_cases
                    assert self.leaks(case, export) == []
            if READERS[index] not in {Role.RECORDS_OFFICER, Role.ASSISTANT_STATES_ATTORNEY}:
                continue
            # Records-request search never returns a sealed case's records, to anyone.
            for case, (number, _, _, last) in enumerate(CASES):
                results = search_records(user=user, query=last, filters=SearchFilters())
                hit_cases = {hit.case_id for hit in results.hits}
                if self.sealed[case]:
                    assert self.case_ids[case] not in hit_cases, (READERS[index], number)
                    assert all(last not in hit.snippet for hit in results.hits)


def test_sealed_cases_stay_out_of_every_public_and_records_path() -> None:
    run_state_machine_as_test(
        SealingMachine,
        settings=settings(
            max_examples=6,
            stateful_step_count=8,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
            phases=[Phase.explicit, Phase.reuse, Phase.generate],
        ),
    )


def test_the_machine_notices_a_sealed_case_it_did_not_expect() -> None:
    """The comparisons can fail: if the model forgets a sealing, the policy disagrees with it."""
    machine = SealingMachine()
    try:
        machine.seal(0, SealingKind.IMMEDIATE)
        machine.grant(0, INSPECTOR)
        machine.the_policy_agrees_with_itself_and_the_orders()
        machine.read(RECORDS, 0)
        machine.read(INSPECTOR, 0)
        machine.sealed[0] = False
        with pytest.raises(AssertionError):
            machine.the_policy_agrees_with_itself_and_the_orders()
        # The model now expects the records officer to read it; the policy still refuses.
        with pytest.raises(CaseNotFoundError):
            machine.read(RECORDS, 0)
    finally:
        machine.teardown()
