"""Steps 4–13 of SCENARIO.md, played through the services on top of the case as at step 3.

The story's own dates are passed wherever a service takes one (filing, disposition, terms,
court orders of the sealing file, the records request). Services that stamp "now" (messages,
the recusal, the court order appointing the special prosecutor, which may not predate the
petition drafted by the recusal) keep the day the demo is loaded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from evenhand.accounts.models import User
from evenhand.analytics.queries.consistency import Period
from evenhand.appointments.models import AppointeeSource, Petition, PetitionGround
from evenhand.appointments.services import court_order_record, petition_draft
from evenhand.audit.services import audit_log_read_record
from evenhand.cases import services as cases
from evenhand.cases.models import Case, Participant, ParticipantRole
from evenhand.charging.models import ReviewResult
from evenhand.charging.services import charging_decide, felony_review_record
from evenhand.comms.services import MessageRefusedError, message_send
from evenhand.demo.cast import at
from evenhand.dispositions.models import ConsentState, TermEntryKind, TermKind
from evenhand.dispositions.services.programmes import (
    enrolment_complete,
    enrolment_create,
    term_add,
    term_entry_log,
)
from evenhand.records_requests.models import Channel, RecordDecision, RecordsRequest
from evenhand.records_requests.services import (
    NewRequest,
    record_add,
    record_decide,
    redaction_decide,
    request_extend,
    request_receive,
    request_search_record,
    request_withhold_sealed_case,
    response_issue,
)
from evenhand.screening.models import ConflictFlag, ConflictStatus
from evenhand.screening.policies import CaseAction, CaseNotFoundError, access_case
from evenhand.screening.services import conflict_resolve
from evenhand.sealing.context import AccessReasons, access_reasons
from evenhand.sealing.models import SealingKind
from evenhand.sealing.services import (
    OrderParticulars,
    access_grant_record,
    sealing_order_record,
    unsealing_order_record,
)
from evenhand.search.selectors import HitKind, SearchFilters, search_records

FALSE_REPORT = "720-5/26-1(a)(4)"
COURT = "Circuit Court of Cook County"
CHIEF_JUDGE = "Rosa Castellanos"
WHITLOCK_CELL = "312-555-0142"
WHITLOCK_PERSONAL_EMAIL = "dana.whitlock.home@gmail.com"
SECOND_CASE_TITLE = "People v. Jordan Vale (special grand jury)"
ORTIZ_REQUEST = (
    "All communications between Dana Whitlock and Martin Keogh about the Jordan Vale case."
)
ORTIZ_RENEWED = "The Whitlock and Keogh communications about the Vale case, now unsealed."
# The private details the records officer redacts as private information.
PRIVATE_KINDS = frozenset({"phone", "email"})


@dataclass(frozen=True)
class StoryOutcome:
    """What the story left behind, for the command's summary and the tests."""

    case: Case
    second_case: Case
    delegation_refused: str
    denial_request: RecordsRequest
    release_request: RecordsRequest
    held_message_id: int


def day(year: int, month: int, date: int) -> dt.date:
    return dt.date(year, month, date)


def story_played(case: Case) -> bool:
    """Whether the end of the story is already loaded (the first indictment is filed)."""
    return case.charges.exists()


def play_story(staff: dict[str, User], case: Case) -> StoryOutcome:
    """Steps 4–13, as the people of the cast, each through the service the UI uses."""
    whitlock, keogh, raman = staff["dwhitlock"], staff["mkeogh"], staff["praman"]
    weiss, park, brandt = staff["hweiss"], staff["epark"], staff["pbrandt"]

    # Before the recusal (as in the real story), the head of office writes to her deputy about
    # the case from her own phone and mail: the records Sam Ortiz later asks for.
    for body in (
        f"Is the exhibit list ready? Call my cell {WHITLOCK_CELL} tonight.",
        f"Use {WHITLOCK_PERSONAL_EMAIL} for the exhibit question, not the office account.",
    ):
        message_send(
            actor=whitlock,
            recipients=[keogh],
            subject="Vale charging",
            body=body,
            case_ids=[case.pk],
        )

    refused = _step4_recusal(whitlock=whitlock, keogh=keogh, case=case)
    _step5_court_order(keogh=keogh, case=case)
    _step6_indictment(weiss=weiss, case=case)
    held_id = _step7_messages(whitlock=whitlock, keogh=keogh, case=case)
    _step8_disposition_and_sealing(weiss=weiss, case=case)
    denial = _step10_records_request(park=park, case=case)
    _step11_inspector_general(weiss=weiss, brandt=brandt, case=case)
    release = _step12_unsealing_and_release(weiss=weiss, park=park, case=case)
    second = _step13_second_prosecution(raman=raman, keogh=keogh, weiss=weiss, case=case)
    return StoryOutcome(
        case=case,
        second_case=second,
        delegation_refused=refused,
        denial_request=denial,
        release_request=release,
        held_message_id=held_id,
    )


def _step4_recusal(*, whitlock: User, keogh: User, case: Case) -> str:
    flag = ConflictFlag.objects.get(case=case, staff=whitlock, status=ConflictStatus.OPEN)
    resolution = conflict_resolve(
        actor=whitlock,
        flag_id=flag.pk,
        recuse=True,
        note="A relative of the complainant contacted me about the case.",
        acting_delegate=keogh,
    )
    # Her next request is refused like a case that does not exist, and the refusal is logged.
    _refused(lambda: access_case(whitlock, case.pk, CaseAction.VIEW))
    # Awaiting the court: the First Assistant cannot charge.
    _refused(lambda: access_case(keogh, case.pk, CaseAction.CHARGE))
    return resolution.delegation_refused


def _step5_court_order(*, keogh: User, case: Case) -> None:
    petition = Petition.objects.filter(case=case).order_by("-drafted_at").first()
    if petition is None:
        msg = "The recusal of the head of office drafted no petition."
        raise ValidationError(msg)
    court_order_record(
        actor=keogh,
        petition_id=petition.pk,
        judge=CHIEF_JUDGE,
        order_date=timezone.localdate(),
        appointee_username="hweiss",
        appointee_first_name="Harold",
        appointee_last_name="Weiss",
        appointee_source=AppointeeSource.PRIVATE_COUNSEL,
        scope=f"Case {case.number} only.",
    )


def _vale(case: Case) -> Participant:
    return Participant.objects.get(case=case, person__first_name="Jordan", person__last_name="Vale")


def _step6_indictment(*, weiss: User, case: Case) -> None:
    vale = _vale(case)
    cases.participant_role_change(
        actor=weiss,
        case_id=case.pk,
        participant_id=vale.pk,
        role=ParticipantRole.DEFENDANT,
        reason="Indicted by the grand jury",
        occurred_at=at(day(2019, 3, 8)),
    )
    felony_review_record(
        actor=weiss,
        case_id=case.pk,
        result=ReviewResult.APPROVED,
        reasons="The report is contradicted by the evidence.",
    )
    charging_decide(
        actor=weiss,
        case_id=case.pk,
        participant_id=vale.pk,
        statute_key=FALSE_REPORT,
        counts=16,
        filed_on=day(2019, 3, 8),
        period=Period(2019, 2019),
        rationale="Each false statement to the police is a separate count.",
    )


def _step7_messages(*, whitlock: User, keogh: User, case: Case) -> int:
    # Tagged to the case she is screened from: kept as a record, refused.
    try:
        message_send(
            actor=whitlock,
            recipients=[keogh],
            subject="the case",
            body="Call me about this one.",
            case_ids=[case.pk],
        )
    except MessageRefusedError:
        pass
    else:
        msg = "A screened sender's message tagged to the case was delivered."
        raise ValidationError(msg)
    # Untagged but naming the case: held, reported to ethics and the inspector general.
    held = message_send(
        actor=whitlock,
        recipients=[keogh],
        subject="charging",
        body="16 counts on a class 4 becomes exhibit A. Look at how the Vale case is charged.",
    )
    return held.pk


def _step8_disposition_and_sealing(*, weiss: User, case: Case) -> None:
    vale = _vale(case)
    enrolment = enrolment_create(
        actor=weiss,
        case_id=case.pk,
        participant_id=vale.pk,
        programme="alternative_disposition",
        starts_on=day(2019, 3, 20),
        ends_on=day(2019, 3, 26),
        consent_state_attorney=ConsentState.GIVEN,
        consent_defendant=ConsentState.GIVEN,
    )
    service = term_add(
        actor=weiss,
        enrolment_id=enrolment.pk,
        kind=TermKind.COMMUNITY_SERVICE,
        due_on=day(2019, 3, 26),
        required_amount=Decimal(15),
    )
    bond = term_add(
        actor=weiss,
        enrolment_id=enrolment.pk,
        kind=TermKind.BOND_FORFEITURE,
        due_on=day(2019, 3, 26),
        required_amount=Decimal(10_000),
    )
    term_entry_log(
        actor=weiss,
        term_id=service.pk,
        expected_version=service.version,
        kind=TermEntryKind.HOURS,
        occurred_on=day(2019, 3, 25),
        amount=Decimal(15),
        note="Community service performed.",
    )
    term_entry_log(
        actor=weiss,
        term_id=bond.pk,
        expected_version=bond.version,
        kind=TermEntryKind.PAYMENT,
        occurred_on=day(2019, 3, 25),
        amount=Decimal(10_000),
        note="Bond forfeited to the City of Chicago.",
    )
    enrolment.refresh_from_db()
    enrolment_complete(
        actor=weiss,
        enrolment_id=enrolment.pk,
        expected_version=enrolment.version,
        completed_on=day(2019, 3, 26),
        note="Terms performed; all counts nolle prosequi.",
    )
    # The defendant's petition for immediate sealing is granted the same day.
    sealing_order_record(
        actor=weiss,
        case_id=case.pk,
        kind=SealingKind.IMMEDIATE,
        particulars=_order(day(2019, 3, 26), "19-CR-03104-SEAL"),
    )


def _order(on: dt.date, reference: str) -> OrderParticulars:
    return OrderParticulars(
        court=COURT, judge=CHIEF_JUDGE, order_date=on, order_reference=reference
    )


def _step10_records_request(*, park: User, case: Case) -> RecordsRequest:
    request = request_receive(
        actor=park,
        new=NewRequest(
            requester_name="Sam Ortiz",
            requester_organisation="Chicago Ledger",
            requester_email="sam.ortiz@example.org",
            description=ORTIZ_REQUEST,
        ),
        channel=Channel.EMAIL,
        received_on=day(2019, 4, 1),
    )
    request = request_extend(
        actor=park,
        request_id=request.pk,
        reason="exemption_review",
        facts="The communications must be reviewed for exempt material before release.",
        notice_sent_on=day(2019, 4, 5),
    )
    # The case is sealed: she cannot see it, and names it to withhold its records as a class.
    results = search_records(user=park, query="exhibit", filters=SearchFilters())
    request_search_record(
        actor=park,
        request_id=request.pk,
        query="exhibit",
        withheld_case_numbers=list(results.withheld_case_numbers),
        hits=results.total,
    )
    request_withhold_sealed_case(actor=park, request_id=request.pk, case_number=case.number)
    response_issue(actor=park, request_id=request.pk, issued_on=day(2019, 4, 12))
    request.refresh_from_db()
    return request


def _step11_inspector_general(*, weiss: User, brandt: User, case: Case) -> None:
    access_grant_record(
        actor=weiss,
        case_id=case.pk,
        grantee=brandt,
        scope="The inspector general may read the sealed file for her review of the office.",
        particulars=_order(day(2019, 4, 15), "19-CR-03104-IG"),
    )
    reason = "Inspector general's review of the office's handling of the case."
    with access_reasons(AccessReasons(for_request=reason)):
        access_case(brandt, case.pk, CaseAction.VIEW)
    audit_log_read_record(
        actor=brandt, filters={"case_id": str(case.pk), "actor": "", "action": ""}
    )


def _step12_unsealing_and_release(*, weiss: User, park: User, case: Case) -> RecordsRequest:
    unsealing_order_record(
        actor=weiss,
        case_id=case.pk,
        particulars=_order(day(2019, 5, 23), "19-CR-03104-UNSEAL"),
    )
    request = request_receive(
        actor=park,
        new=NewRequest(
            requester_name="Sam Ortiz",
            requester_organisation="Chicago Ledger",
            requester_email="sam.ortiz@example.org",
            description=ORTIZ_RENEWED,
        ),
        channel=Channel.EMAIL,
        received_on=day(2019, 5, 24),
    )
    results = search_records(
        user=park, query="exhibit", filters=SearchFilters(kinds=(HitKind.MESSAGE,), page_size=50)
    )
    request_search_record(
        actor=park,
        request_id=request.pk,
        query="exhibit",
        withheld_case_numbers=list(results.withheld_case_numbers),
        hits=results.total,
    )
    for hit in results.hits:
        if hit.case_id != case.pk:
            continue
        record = record_add(
            actor=park, request_id=request.pk, kind=hit.kind.value, object_id=str(hit.object_id)
        )
        for redaction in record.redactions.all():
            redaction_decide(
                actor=park,
                redaction_id=redaction.pk,
                accept=redaction.kind in PRIVATE_KINDS,
                exemption="7(1)(b)" if redaction.kind in PRIVATE_KINDS else "",
            )
        record_decide(actor=park, record_id=record.pk, decision=RecordDecision.RESPONSIVE)
    response_issue(actor=park, request_id=request.pk, issued_on=day(2019, 5, 31))
    request.refresh_from_db()
    return request


def _step13_second_prosecution(*, raman: User, keogh: User, weiss: User, case: Case) -> Case:
    second = cases.case_open(actor=raman, title=SECOND_CASE_TITLE, received_on=day(2020, 2, 11))
    vale = _vale(case)
    defendant = cases.participant_add(
        actor=raman, case_id=second.pk, person=vale.person, role=ParticipantRole.DEFENDANT
    )
    petition = petition_draft(
        actor=keogh,
        case_id=second.pk,
        ground=PetitionGround.ACTUAL_CONFLICT,
        facts=(
            f"The State's Attorney is recused from case {case.number}, which concerns the same "
            "conduct; the court appointed a special prosecutor there."
        ),
    )
    court_order_record(
        actor=keogh,
        petition_id=petition.pk,
        judge=CHIEF_JUDGE,
        order_date=timezone.localdate(),
        appointee_username="hweiss",
        appointee_first_name="Harold",
        appointee_last_name="Weiss",
        appointee_source=AppointeeSource.PRIVATE_COUNSEL,
        scope=f"Case {second.number} only.",
    )

    def indict(override: str) -> None:
        charging_decide(
            actor=weiss,
            case_id=second.pk,
            participant_id=defendant.pk,
            statute_key=FALSE_REPORT,
            counts=6,
            filed_on=day(2020, 2, 11),
            period=Period(2019, 2019),
            rationale="Six false statements, one count each.",
            bar_override_reason=override,
        )

    # The bar warns and refuses first (the warning is logged); the override is recorded.
    try:
        indict("")
    except ValidationError as warning:
        if "bar_override_reason" not in warning.message_dict:
            raise
    else:
        msg = "The second prosecution was filed without the re-prosecution bar warning."
        raise ValidationError(msg)
    indict("The special prosecutor contends the earlier agreement is void.")
    return second


def _refused(attempt: Callable[[], object]) -> None:
    """Run an attempt the access policy must refuse (404 or 403; the policy logs it)."""
    try:
        attempt()
    except (CaseNotFoundError, PermissionDenied):
        return
    msg = "The access policy allowed an attempt the story expects refused."
    raise ValidationError(msg)
