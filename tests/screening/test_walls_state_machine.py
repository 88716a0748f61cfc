"""Walls that hold on every path, whatever the order of events.

A hypothesis state machine raises and lifts screens, changes teams, records court orders and
sends messages in a small office, and keeps its own model of who may see which case. After
every step the policy's two answers must agree with each other and with the model, and every
path that shows a case (the policy, the case pages and their JSON API, the oversight audit log,
message search in Python and over the API) must answer a refused user as for a missing case: a
404 or an empty list, never the case's number, title or participants' names. Cases are also
sealed and unsealed, and the inspector general is given court-ordered access: a sealed case is
hidden from everyone without standing or a grant. Every client has stated a reason for every
case, so reads the policy allows are shown (the reason round trip is tested in tests/sealing).

Each example builds its world inside a savepoint that teardown rolls back: the audit table
refuses DELETE, so examples cannot be cleaned up any other way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, Phase, currently_in_test_context, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from evenhand.accounts.models import Role
from evenhand.appointments.models import AppointeeSource, Petition, PetitionStatus
from evenhand.appointments.services import court_order_record
from evenhand.cases import services as cases
from evenhand.cases.models import Case, ParticipantRole, SpecialProsecution
from evenhand.comms.models import Message, MessageStatus
from evenhand.comms.selectors import MessageFilters, message_search, messages_visible_to
from evenhand.comms.services import MessageRefusedError, message_send
from evenhand.screening.models import ScreenKind
from evenhand.screening.policies import (
    CaseAction,
    CaseActionDeniedError,
    CaseNotFoundError,
    access_case,
    may,
    visible_cases,
)
from evenhand.screening.services import screen_lift, screen_raise
from evenhand.sealing.context import AccessReasons, access_reasons
from evenhand.sealing.middleware import remember_reason
from evenhand.sealing.models import SealingKind
from evenhand.sealing.services import (
    OrderParticulars,
    access_grant_record,
    sealing_order_record,
    unsealing_order_record,
)
from tests.factories import make_user

pytestmark = pytest.mark.django_db

# The people the machine moves around (indexes into Walls.users); the ethics officer, who
# raises and lifts every screen, is never screened and comes last.
STAFF = (
    (Role.STATES_ATTORNEY, "dwhitlock", "Dana", "Whitlock"),
    (Role.FIRST_ASSISTANT, "mkeogh", "Martin", "Keogh"),
    (Role.ASSISTANT_STATES_ATTORNEY, "praman", "Priya", "Raman"),
    (Role.INSPECTOR_GENERAL, "pbrandt", "Paula", "Brandt"),
    (Role.SPECIAL_PROSECUTOR, "hweiss", "Harold", "Weiss"),
)
SA, FA, ASA, IG, SP = range(len(STAFF))
ETHICS = len(STAFF)
EVERYONE = len(STAFF) + 1
# Distinctive so that finding one in a response can only mean the case leaked.
CASES = (
    ("2019-CR-000417", "People v. Quillfeather", "Zebadiah", "Quillfeather", "Zebby Marchbanks"),
    ("2019-CR-000512", "People v. Brackenbury", "Ottoline", "Brackenbury", "Lina Corvisart"),
    ("2019-CR-000733", "People v. Thistlewood", "Cosimo", "Thistlewood", "Coz Wetherell"),
)
NOT_FOUND = {"detail": "Case not found."}
# The model's own statement of the grants (not imported from the policy it checks).
OVERSIGHT_ROLES = {Role.INSPECTOR_GENERAL, Role.AUDITOR, Role.ETHICS_OFFICER}
DECIDERS = {Role.STATES_ATTORNEY, Role.FIRST_ASSISTANT, Role.ASSISTANT_STATES_ATTORNEY}
EDITORS = DECIDERS | {Role.INVESTIGATOR}
READERS = EDITORS | OVERSIGHT_ROLES | {Role.RECORDS_OFFICER}
# Who keeps a sealed case (20 ILCS 2630/13(b), as the ruleset states it).
SEALED_STANDING = EDITORS | {Role.SPECIAL_PROSECUTOR}
REASON = "Checked by the state machine."

people = st.integers(0, len(STAFF) - 1)
case_index = st.integers(0, len(CASES) - 1)


def _note(what: str) -> None:
    """A statistic for --hypothesis-show-statistics; the directed tests below run outside."""
    if currently_in_test_context():
        event(what)


@dataclass
class ScreenModel:
    pk: int
    kind: ScreenKind
    users: frozenset[int]
    cases: frozenset[int]
    lifted: bool = False


@dataclass
class MessageModel:
    pk: int
    sender: int
    recipient: int
    tagged: int | None
    mentions: int
    status: MessageStatus


@dataclass
class Model:
    screens: list[ScreenModel] = field(default_factory=list)
    team: set[tuple[int, int]] = field(default_factory=set)
    special: list[str] = field(default_factory=list)
    messages: list[MessageModel] = field(default_factory=list)
    sealed: list[bool] = field(default_factory=list)
    # (user, case) pairs holding a court-ordered grant to read the sealed case.
    granted: set[tuple[int, int]] = field(default_factory=set)


class Walls(RuleBasedStateMachine):
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
        self.users = [
            make_user(role=role, username=username, first_name=first, last_name=last)
            for role, username, first, last in STAFF
        ]
        self.users.append(
            make_user(role=Role.ETHICS_OFFICER, first_name="Office", last_name="Ethics")
        )
        asa = self.users[ASA]
        self.case_ids: list[int] = []
        for number, title, first, last, alias in CASES:
            case = cases.case_open(
                actor=asa, title=title, received_on=dt.date(2019, 1, 29), number=number
            )
            person = cases.person_create(
                actor=asa, first_name=first, last_name=last, aliases=[alias]
            )
            cases.participant_add(
                actor=asa, case_id=case.pk, person=person, role=ParticipantRole.DEFENDANT
            )
            self.case_ids.append(case.pk)
        self.secrets = [
            (number, title, f"{first} {last}", last, alias)
            for number, title, first, last, alias in CASES
        ]
        self.model = Model(
            special=[SpecialProsecution.NONE] * len(CASES), sealed=[False] * len(CASES)
        )
        self.clients: list[Client] = []
        for user in self.users:
            client = Client()
            client.force_login(user)
            session = client.session
            for case_id in self.case_ids:
                remember_reason(session, case_id, REASON)
            session.save()
            self.clients.append(client)

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # --- The model ------------------------------------------------------------------------

    def _in_force_on(self, case: int) -> list[ScreenModel]:
        return [s for s in self.model.screens if not s.lifted and case in s.cases]

    def _walled(self, user: int, case: int, *, oversight_reads: bool) -> bool:
        oversight = self.users[user].role in OVERSIGHT_ROLES
        for screen in self._in_force_on(case):
            if screen.kind == ScreenKind.EXCLUSIONARY and user in screen.users:
                return True
            if (
                screen.kind == ScreenKind.NEED_TO_KNOW
                and user not in screen.users
                and not (oversight and oversight_reads)
            ):
                return True
        return False

    def _sealed_from(self, user: int, case: int, *, by_order: bool) -> bool:
        if not self.model.sealed[case] or self.users[user].role in SEALED_STANDING:
            return False
        return not (by_order and (user, case) in self.model.granted)

    def expected_view(self, user: int, case: int) -> bool:
        role = self.users[user].role
        if role == Role.SPECIAL_PROSECUTOR:
            granted = (user, case) in self.model.team
        else:
            granted = role in READERS
        return (
            granted
            and not self._walled(user, case, oversight_reads=True)
            and not self._sealed_from(user, case, by_order=True)
        )

    def expected_edit(self, user: int, case: int) -> bool:
        role = self.users[user].role
        if role == Role.SPECIAL_PROSECUTOR:
            granted = (user, case) in self.model.team
        else:
            granted = role in EDITORS
        return (
            granted
            and not self._walled(user, case, oversight_reads=False)
            and not self._sealed_from(user, case, by_order=False)
        )

    def expected_charge(self, user: int, case: int) -> bool:
        role = self.users[user].role
        if role == Role.SPECIAL_PROSECUTOR:
            granted = (user, case) in self.model.team
        else:
            granted = role in DECIDERS and self.model.special[case] == SpecialProsecution.NONE
        return (
            granted
            and not self._walled(user, case, oversight_reads=False)
            and not self._sealed_from(user, case, by_order=False)
        )

    def _would_breach(self, user: int, case: int) -> bool:
        return any(
            (screen.kind == ScreenKind.EXCLUSIONARY) == (user in screen.users)
            for screen in self._in_force_on(case)
        )

    def _held(self, people: set[int], case: int) -> bool:
        """Whether a screen in force on the case walls off someone in the conversation."""
        for screen in self._in_force_on(case):
            named = people & screen.users
            if screen.kind == ScreenKind.EXCLUSIONARY and named:
                return True
            if screen.kind == ScreenKind.NEED_TO_KNOW and named and people - screen.users:
                return True
        return False

    def expected_messages(self, user: int) -> set[int]:
        """Own messages, those delivered to the user, and (oversight) everyone's, except a held
        report about a case the reader is walled off; never one tagged to a hidden case."""
        oversight = self.users[user].role in OVERSIGHT_ROLES
        readable = (MessageStatus.DELIVERED, MessageStatus.RELEASED)

        def reads(m: MessageModel) -> bool:
            if m.sender == user:
                return True
            if oversight:
                return m.status != MessageStatus.HELD or self.expected_view(user, m.mentions)
            return m.recipient == user and m.status in readable

        return {
            m.pk
            for m in self.model.messages
            if reads(m) and (m.tagged is None or self.expected_view(user, m.tagged))
        }

    def _case(self, index: int) -> Case:
        return Case.objects.get(pk=self.case_ids[index])

    # --- Rules ----------------------------------------------------------------------------

    @initialize(head_screened_from=st.none() | case_index)
    def start(self, head_screened_from: int | None) -> None:
        """Half the worlds start with the head of office already walled off one case."""
        if head_screened_from is not None:
            self.screen_the_head(head_screened_from, herself=True)

    @rule(
        kind=st.sampled_from(ScreenKind),
        named=st.sets(people, min_size=1, max_size=3),
        walled=st.sets(case_index, min_size=1, max_size=2),
    )
    def raise_screen(self, kind: ScreenKind, named: set[int], walled: set[int]) -> None:
        self._raise(ETHICS, kind, named, walled)

    @rule(case=case_index, herself=st.booleans())
    def screen_the_head(self, case: int, herself: bool) -> None:
        """The State's Attorney recuses herself, or the ethics officer walls her off."""
        self._raise(SA if herself else ETHICS, ScreenKind.EXCLUSIONARY, {SA}, {case})

    def _raise(self, actor: int, kind: ScreenKind, named: set[int], walled: set[int]) -> None:
        # A self-recusal may overlap any wall (it can only add to it); other screens may not.
        self_recusal = kind == ScreenKind.EXCLUSIONARY and named == {actor}
        clash = not self_recusal and any(
            not s.lifted and s.kind == kind and s.users & named and s.cases & walled
            for s in self.model.screens
        )
        arguments: dict[str, Any] = {
            "actor": self.users[actor],
            "kind": kind,
            "users": [self.users[i] for i in sorted(named)],
            "case_ids": [self.case_ids[i] for i in sorted(walled)],
            "reason": "Raised by the state machine",
            "memo": "Do not discuss.",
        }
        # The ethics officer sees every unsealed case; anyone else here only recuses herself,
        # which needs no access to the case. A sealed case is hidden from the ethics officer
        # like any case she may not see (a prosecutor with standing raises that screen).
        if not self_recusal and not all(self.expected_view(actor, i) for i in walled):
            _note("screen refused: sealed case")
            with pytest.raises(CaseNotFoundError):
                screen_raise(**arguments)
            return
        if clash:
            _note("screen refused: overlapping")
            with pytest.raises(ValidationError, match="already covers"):
                screen_raise(**arguments)
            return
        _note(f"screen raised: {kind}")
        screen = screen_raise(**arguments)
        self.model.screens.append(ScreenModel(screen.pk, kind, frozenset(named), frozenset(walled)))
        if kind == ScreenKind.EXCLUSIONARY and SA in named:
            for index in walled:
                state = self._case(index).special_prosecution
                if self.model.special[index] == SpecialProsecution.APPOINTED:
                    # A new screen on a head already replaced by the court's appointee.
                    assert state in {
                        SpecialProsecution.APPOINTED,
                        SpecialProsecution.AWAITING_APPOINTMENT,
                    }
                    self.model.special[index] = state
                else:
                    self.model.special[index] = SpecialProsecution.AWAITING_APPOINTMENT

    @precondition(lambda self: any(not s.lifted for s in self.model.screens))
    @rule(choice=st.integers(0, 20))
    def lift_screen(self, choice: int) -> None:
        standing = [s for s in self.model.screens if not s.lifted]
        screen = standing[choice % len(standing)]
        screen_lift(actor=self.users[ETHICS], screen_id=screen.pk, reason="Lifted by the machine")
        screen.lifted = True

    @rule(actor=st.sampled_from([SA, FA, ASA]), member=people, case=case_index)
    def assign(self, actor: int, member: int, case: int) -> None:
        def call() -> object:
            return cases.case_assign(
                actor=self.users[actor], case_id=self.case_ids[case], user=self.users[member]
            )

        if not self.expected_edit(actor, case):
            with pytest.raises(CaseNotFoundError):
                call()
        elif member == SP:
            # An external appointee joins a case only by a court order.
            with pytest.raises(ValidationError, match="court order"):
                call()
        elif (member, case) in self.model.team or self._would_breach(member, case):
            with pytest.raises(ValidationError):
                call()
        else:
            call()
            self.model.team.add((member, case))

    @rule(actor=st.sampled_from([SA, FA, ASA]), member=people, case=case_index)
    def unassign(self, actor: int, member: int, case: int) -> None:
        def call() -> None:
            cases.case_unassign(
                actor=self.users[actor], case_id=self.case_ids[case], user=self.users[member]
            )

        if not self.expected_edit(actor, case):
            with pytest.raises(CaseNotFoundError):
                call()
        elif (member, case) not in self.model.team:
            with pytest.raises(ValidationError):
                call()
        elif member == SP:
            # Only the court's order put the appointee on the case; the office cannot undo it.
            with pytest.raises((ValidationError, PermissionDenied)):
                call()
        else:
            call()
            self.model.team.discard((member, case))

    @precondition(lambda self: SpecialProsecution.AWAITING_APPOINTMENT in self.model.special)
    @rule(choice=st.integers(0, 5), recorder=st.sampled_from([SA, FA]))
    def record_appointment(self, choice: int, recorder: int) -> None:
        waiting = [
            i
            for i, state in enumerate(self.model.special)
            if state == SpecialProsecution.AWAITING_APPOINTMENT
        ]
        case = waiting[choice % len(waiting)]
        petition = Petition.objects.get(case_id=self.case_ids[case], status=PetitionStatus.DRAFTED)

        def call() -> object:
            return court_order_record(
                actor=self.users[recorder],
                petition_id=petition.pk,
                judge="Rosa Castellanos",
                order_date=timezone.localdate(),
                appointee_username=self.users[SP].username,
                appointee_first_name="Harold",
                appointee_last_name="Weiss",
                appointee_source=AppointeeSource.PRIVATE_COUNSEL,
            )

        on_team = (SP, case) in self.model.team
        _note("court order attempted")
        if not self.expected_view(recorder, case):
            with pytest.raises(CaseNotFoundError):
                call()
        elif not on_team and self._would_breach(SP, case):
            with pytest.raises(ValidationError, match="would breach"):
                call()
            assert self._case(case).special_prosecution == SpecialProsecution.AWAITING_APPOINTMENT
        else:
            call()
            self.model.team.add((SP, case))
            self.model.special[case] = SpecialProsecution.APPOINTED

    def _send(self, sender: int, recipient: int, case: int, *, tagged: bool) -> None:
        number, title, full_name, _, _ = self.secrets[case]
        body = f"About {number}: {title}. What will {full_name} say?"
        pair = {sender, recipient}
        if tagged and not all(self.expected_view(p, case) for p in pair):
            expected = MessageStatus.REFUSED
        elif self._held(pair, case):
            expected = MessageStatus.HELD
        else:
            expected = MessageStatus.DELIVERED
        arguments: dict[str, Any] = {
            "actor": self.users[sender],
            "recipients": [self.users[recipient]],
            "subject": "Note",
            "body": body,
            "case_ids": [self.case_ids[case]] if tagged else [],
        }
        if expected == MessageStatus.REFUSED:
            with pytest.raises(MessageRefusedError):
                message_send(**arguments)
            message = Message.objects.order_by("-pk")[0]
        else:
            message = message_send(**arguments)
        assert message.body == body
        assert message.status == expected, (message.status, message.screening_note)
        _note(f"message {expected}")
        # A refused message keeps no link to a case its sender may not see.
        linked = message.cases.exists()
        sender_sees = self.expected_view(sender, case)
        tag = case if tagged and sender_sees else None
        assert linked == (tag is not None)
        self.model.messages.append(
            MessageModel(message.pk, sender, recipient, tag, case, MessageStatus(message.status))
        )

    def _order(self, recorder: int, case: int, call: Any, *, refused_because: str) -> bool:
        """Run an order-recording service; True when it was recorded. Only those who may dispose
        of the case record orders; the service's own refusal is expected when given."""
        if not self.expected_view(recorder, case):
            with pytest.raises(CaseNotFoundError):
                call()
            return False
        if not self.expected_charge(recorder, case):
            with pytest.raises(CaseActionDeniedError):
                call()
            return False
        if refused_because:
            with pytest.raises(ValidationError, match=refused_because):
                call()
            return False
        call()
        return True

    @rule(recorder=st.sampled_from([FA, ASA, SP, IG]), case=case_index)
    def seal_case(self, recorder: int, case: int) -> None:
        def call() -> object:
            return sealing_order_record(
                actor=self.users[recorder],
                case_id=self.case_ids[case],
                kind=SealingKind.IMMEDIATE,
                particulars=_order_particulars(),
            )

        refusal = "already sealed" if self.model.sealed[case] else ""
        if self._order(recorder, case, call, refused_because=refusal):
            _note("case sealed")
            self.model.sealed[case] = True

    @rule(recorder=st.sampled_from([FA, ASA, SP]), case=case_index)
    def unseal_case(self, recorder: int, case: int) -> None:
        def call() -> object:
            return unsealing_order_record(
                actor=self.users[recorder],
                case_id=self.case_ids[case],
                particulars=_order_particulars(),
            )

        refusal = "" if self.model.sealed[case] else "not sealed"
        if self._order(recorder, case, call, refused_because=refusal):
            _note("case unsealed")
            self.model.sealed[case] = False
            self.model.granted = {pair for pair in self.model.granted if pair[1] != case}

    @rule(recorder=st.sampled_from([FA, ASA, SP]), case=case_index)
    def grant_the_inspector(self, recorder: int, case: int) -> None:
        def call() -> object:
            return access_grant_record(
                actor=self.users[recorder],
                case_id=self.case_ids[case],
                grantee=self.users[IG],
                scope="Review of the office by the inspector general.",
                particulars=_order_particulars(),
            )

        refusal = "" if self.model.sealed[case] else "not sealed"
        if self._order(recorder, case, call, refused_because=refusal):
            _note("inspector granted access")
            self.model.granted.add((IG, case))

    @rule(sender=people, offset=st.integers(1, len(STAFF) - 1), case=case_index)
    def send_tagged(self, sender: int, offset: int, case: int) -> None:
        self._send(sender, (sender + offset) % len(STAFF), case, tagged=True)

    @rule(sender=people, offset=st.integers(1, len(STAFF) - 1), case=case_index)
    def send_untagged(self, sender: int, offset: int, case: int) -> None:
        self._send(sender, (sender + offset) % len(STAFF), case, tagged=False)

    @rule(user=st.integers(0, EVERYONE - 1), case=case_index)
    def attempt_access(self, user: int, case: int) -> None:
        """Every path that shows the case, for one person and for everyone it is hidden from."""
        refused = {u for u in range(EVERYONE) if not self.expected_view(u, case)}
        for person in sorted(refused | {user}):
            self.attempt_access_as(person, case)

    def attempt_access_as(self, user: int, case: int) -> None:
        """Every path that shows a case, for one user and one case."""
        allowed = self.expected_view(user, case)
        _note(f"access {'allowed' if allowed else 'refused'}")
        person = self.users[user]
        case_id = self.case_ids[case]
        number = self.secrets[case][0]
        client = self.clients[user]
        with access_reasons(AccessReasons(for_request=REASON)):
            if allowed:
                assert access_case(person, case_id).pk == case_id
            else:
                with pytest.raises(CaseNotFoundError):
                    access_case(person, case_id)

        expected_status = 200 if allowed else 404
        pages = {
            "detail": client.get(reverse("case-detail", args=[case_id])),
            "audit": client.get(reverse("case-audit", args=[case_id])),
            "api detail": client.get(f"/api/cases/{case_id}"),
            "api audit": client.get(f"/api/cases/{case_id}/audit"),
            "api petitions": client.get(f"/api/cases/{case_id}/petitions"),
        }
        for path, response in pages.items():
            assert response.status_code == expected_status, (path, person.username, case)
            if path.startswith("api") and not allowed:
                assert response.json() == NOT_FOUND
        assert (number in pages["detail"].content.decode()) == allowed

        listing = client.get(reverse("case-list"), {"q": number})
        assert listing.status_code == 200
        # The search box repeats what was typed; only the results must not show the case.
        results = listing.content.decode().split('id="results"', 1)[1]
        assert (number in results) == allowed
        api_list = client.get("/api/cases", {"q": number})
        assert api_list.status_code == 200
        listed = [item["id"] for item in api_list.json()["items"]]
        assert listed == ([case_id] if allowed else [])

        # The oversight pages: 403 for everyone else; for oversight, the case's entries only
        # when the case is theirs to read.
        oversight = person.role in OVERSIGHT_ROLES
        case_filter = {"case_id": str(case_id)}
        web_log = client.get(reverse("oversight-audit"), case_filter)
        if not oversight:
            assert web_log.status_code == 403, person.username
        else:
            # A filtered log of a case one may not read: empty, or the missing-case 404.
            assert web_log.status_code in ({200} if allowed else {200, 404}), person.username
        api_log = client.get("/api/oversight/audit", case_filter)
        assert api_log.status_code == (expected_status if oversight else 403), person.username

        texts = {path: response.content.decode() for path, response in pages.items()}
        texts["oversight audit"] = web_log.content.decode()
        texts["api oversight audit"] = api_log.content.decode()
        texts["list"] = results
        texts["api list"] = api_list.content.decode()
        assert self.leaks(user, texts) == []

        readable = self.expected_messages(user)
        mentioning = {m.pk for m in self.model.messages if m.mentions == case and m.pk in readable}
        tagged = {m.pk for m in self.model.messages if m.tagged == case and m.pk in readable}
        found = message_search(user=person, filters=MessageFilters(query=number))
        assert {m.pk for m in found} == mentioning
        by_case = message_search(user=person, filters=MessageFilters(case_id=case_id))
        assert {m.pk for m in by_case} == tagged
        api_found = client.get("/api/messages", {"q": number, "page_size": "100"})
        assert {item["id"] for item in api_found.json()["items"]} == mentioning
        api_tagged = client.get("/api/messages", {"case_id": str(case_id), "page_size": "100"})
        assert {item["id"] for item in api_tagged.json()["items"]} == tagged

    def leaks(self, user: int, texts: dict[str, str]) -> list[tuple[str, str]]:
        """(path, secret) for every detail of a case the user may not see found in a response."""
        return [
            (path, secret)
            for other in range(len(CASES))
            if not self.expected_view(user, other)
            for secret in self.secrets[other]
            for path, text in texts.items()
            if secret in text
        ]

    # --- Invariants -----------------------------------------------------------------------

    @invariant()
    def policy_agrees_with_itself_and_the_model(self) -> None:
        """may() and visible_cases() agree, and both agree with the model, for reading and for
        deciding (EDIT and DISPOSE follow the same rules; the rules above exercise them)."""
        current = list(Case.objects.filter(pk__in=self.case_ids).order_by("pk"))
        assert [c.pk for c in current] == self.case_ids
        assert [c.special_prosecution for c in current] == self.model.special
        expectations = {
            CaseAction.VIEW: self.expected_view,
            CaseAction.CHARGE: self.expected_charge,
        }
        for index, user in enumerate(self.users):
            for action, expected in expectations.items():
                visible = set(visible_cases(user, action).values_list("pk", flat=True))
                for position, case in enumerate(current):
                    allowed = may(user, case, action)
                    assert allowed == (case.pk in visible), (user.username, action, case.number)
                    assert allowed == expected(index, position), (
                        user.username,
                        action,
                        case.number,
                    )

    @invariant()
    def messages_are_read_only_where_the_model_allows(self) -> None:
        if not self.model.messages:
            assert not Message.objects.exists()
            return
        for index, user in enumerate(self.users):
            seen = set(messages_visible_to(user).values_list("pk", flat=True))
            assert seen == self.expected_messages(index), user.username


def _order_particulars() -> OrderParticulars:
    return OrderParticulars(
        court="Circuit Court of Cook County",
        judge="Rosa Castellanos",
        order_date=dt.date(2019, 3, 26),
        order_reference="19-CR-03104",
    )


def test_walls_hold_on_every_path() -> None:
    run_state_machine_as_test(
        Walls,
        settings=settings(
            max_examples=15,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            # No shrinking: each step makes a dozen requests, and shrinking a failure would take
            # minutes. A failing run of at most 12 steps is short enough to read as it is.
            phases=[Phase.explicit, Phase.reuse, Phase.generate],
        ),
    )


def test_the_machine_notices_a_leak() -> None:
    """The comparisons can fail: a model that disagrees with the database is caught, and a
    case's details in a response to someone who may not see it are found."""
    machine = Walls()
    try:
        machine.raise_screen(ScreenKind.EXCLUSIONARY, {ASA}, {0})
        assert not machine.expected_view(ASA, 0)
        machine.policy_agrees_with_itself_and_the_model()
        machine.model.screens[-1].lifted = True  # the model forgets the screen; the database not
        with pytest.raises(AssertionError):
            machine.policy_agrees_with_itself_and_the_model()
        # A screen only the model knows of: the real page is now "leaking" case 1.
        machine.model.screens.append(
            ScreenModel(0, ScreenKind.EXCLUSIONARY, frozenset({ASA}), frozenset({1}))
        )
        page = machine.clients[ASA].get(reverse("case-detail", args=[machine.case_ids[1]]))
        leaked = {secret for _, secret in machine.leaks(ASA, {"detail": page.content.decode()})}
        assert leaked == set(machine.secrets[1]) - {machine.secrets[1][4]} or leaked >= {
            machine.secrets[1][0],
            machine.secrets[1][1],
            machine.secrets[1][2],
        }
    finally:
        machine.teardown()


def test_an_office_staff_member_is_refused_charging_while_awaiting_but_may_read() -> None:
    machine = Walls()
    try:
        machine.raise_screen(ScreenKind.EXCLUSIONARY, {SA}, {1})
        assert machine.model.special[1] == SpecialProsecution.AWAITING_APPOINTMENT
        machine.policy_agrees_with_itself_and_the_model()
        with pytest.raises(CaseActionDeniedError):
            access_case(machine.users[ASA], machine.case_ids[1], CaseAction.CHARGE)
        machine.record_appointment(0, FA)
        assert machine.expected_charge(SP, 1)
        machine.policy_agrees_with_itself_and_the_model()
        machine.attempt_access_as(SP, 1)
        machine.attempt_access_as(SP, 0)
    finally:
        machine.teardown()
