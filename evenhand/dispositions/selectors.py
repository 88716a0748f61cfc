"""Reads for dispositions, enrolments, terms and the re-prosecution bar; always given the user.

Cases are reached only through the access policy. Facts about a person's other cases (prior
convictions, earlier enrolments, barring nolles) are read across the office because the rules
need them, but a case the user may not see is named only as "a case withheld from you".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from evenhand.accounts.models import User
from evenhand.cases.models import Case, Charge, Participant, ParticipantRole
from evenhand.jurisdictions.programmes import Programme
from evenhand.jurisdictions.ruleset import RulesetError, active_ruleset
from evenhand.screening.policies import CaseAction, CaseNotFoundError, access_case, visible_cases

from .eligibility import ChargeFact, EligibilityFacts, PriorConviction, Verdict, evaluate
from .models import (
    CONVICTIONS,
    ChargeDisposition,
    Enrolment,
    EnrolmentStatus,
    SameConductLink,
    Term,
    TermEntry,
    TermStatus,
)

WITHHELD = "a case withheld from you"
VICTIM_ROLES = frozenset({ParticipantRole.VICTIM, ParticipantRole.COMPLAINANT})


def programme_or_error(code: str) -> Programme:
    programme = active_ruleset().programmes.get(code)
    if programme is None:
        raise ValidationError({"programme": f"Unknown programme {code!r}."})
    return programme


def case_labels(*, user: User, case_ids: Iterable[int]) -> dict[int, str]:
    """Case numbers for the cases the user may see; the rest are labelled as withheld."""
    ids = set(case_ids)
    seen = dict(visible_cases(user).filter(pk__in=ids).values_list("pk", "number"))
    return {case_id: seen.get(case_id, WITHHELD) for case_id in ids}


@dataclass(frozen=True)
class ChargeRow:
    charge: Charge
    current: ChargeDisposition | None
    history: list[ChargeDisposition]


@dataclass(frozen=True)
class DispositionsOverview:
    case: Case
    defendants: list[Participant]
    charges: list[ChargeRow]
    enrolments: list[Enrolment]


def dispositions_overview(*, user: User, case_id: int) -> DispositionsOverview:
    case = access_case(user, case_id, CaseAction.VIEW)
    charges = (
        Charge.objects.filter(case=case, is_current=True)
        .select_related("participant__person")
        .prefetch_related(
            Prefetch("dispositions", queryset=ChargeDisposition.objects.order_by("-recorded_at"))
        )
        .order_by("participant_id", "count_number")
    )
    rows = []
    for charge in charges:
        history = list(charge.dispositions.all())
        current = next((d for d in history if d.is_current), None)
        rows.append(ChargeRow(charge=charge, current=current, history=history))
    enrolments = list(
        Enrolment.objects.filter(case=case)
        .select_related("participant__person")
        .prefetch_related("terms")
        .order_by("-starts_on", "-id")
    )
    defendants = list(
        Participant.objects.filter(case=case, role=ParticipantRole.DEFENDANT).select_related(
            "person"
        )
    )
    return DispositionsOverview(
        case=case, defendants=defendants, charges=rows, enrolments=enrolments
    )


def participant_in_case(*, case: Case, participant_id: int) -> Participant:
    participant = (
        Participant.objects.filter(case=case, pk=participant_id).select_related("person").first()
    )
    if participant is None:
        raise ValidationError({"participant": "No such participant in this case."})
    return participant


def _charge_fact(charge: Charge) -> ChargeFact:
    ruleset = active_ruleset()
    try:
        statute = ruleset.statute(charge.statute_key)
        category, violent = statute.offense_category, statute.violent
    except RulesetError:
        category, violent = "", False
    return ChargeFact(
        statute_key=charge.statute_key,
        citation=charge.citation,
        offense_class=charge.offense_class,
        offense_category=category,
        is_felony=ruleset.offense_class(charge.offense_class).is_felony,
        violent=violent,
    )


def eligibility_facts(
    *,
    user: User,
    case: Case,
    participant: Participant,
    consents: Mapping[str, str] | None = None,
    prior_record_attested: bool = False,
    proposed_months: int | None = None,
) -> EligibilityFacts:
    """Gather what the rules need from the office's records (a handful of indexed queries)."""
    current = list(Charge.objects.filter(participant=participant, is_current=True))
    convictions = list(
        ChargeDisposition.objects.filter(
            is_current=True,
            kind__in=CONVICTIONS,
            charge__participant__person_id=participant.person_id,
        )
        .exclude(charge__case_id=case.pk)
        .select_related("charge")
    )
    labels = case_labels(user=user, case_ids=(d.charge.case_id for d in convictions))
    priors = []
    for disposition in convictions:
        fact = _charge_fact(disposition.charge)
        priors.append(
            PriorConviction(
                case_label=labels[disposition.charge.case_id],
                citation=fact.citation,
                is_felony=fact.is_felony,
                violent=fact.violent,
            )
        )
    has_plea = ChargeDisposition.objects.filter(
        charge__in=current, is_current=True, kind__in=CONVICTIONS
    ).exists()
    earlier = (
        Enrolment.objects.filter(participant__person_id=participant.person_id)
        .exclude(status=EnrolmentStatus.WITHDRAWN)
        .values_list("programme", flat=True)
    )
    has_victim = Participant.objects.filter(case=case, role__in=VICTIM_ROLES).exists()
    return EligibilityFacts(
        charges=tuple(_charge_fact(charge) for charge in current),
        prior_convictions=tuple(priors),
        prior_programmes=frozenset(earlier),
        has_plea_or_finding=has_plea,
        has_victim=has_victim,
        consents=dict(consents or {}),
        prior_record_attested=prior_record_attested,
        proposed_months=proposed_months,
    )


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole calendar months from start to end (a month counts once its day is reached)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if end.day < start.day else months


def eligibility_evaluate(
    *,
    user: User,
    case_id: int,
    participant_id: int,
    programme_code: str,
    consents: Mapping[str, str] | None = None,
    prior_record_attested: bool = False,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
) -> Verdict:
    case = access_case(user, case_id, CaseAction.VIEW)
    programme = programme_or_error(programme_code)
    participant = participant_in_case(case=case, participant_id=participant_id)
    months = months_between(starts_on, ends_on) if starts_on and ends_on else None
    facts = eligibility_facts(
        user=user,
        case=case,
        participant=participant,
        consents=consents,
        prior_record_attested=prior_record_attested,
        proposed_months=months,
    )
    return evaluate(programme, facts)


@dataclass(frozen=True)
class TermRow:
    term: Term
    entries: list[TermEntry]


@dataclass(frozen=True)
class EnrolmentDetail:
    enrolment: Enrolment
    programme: Programme | None
    rows: list[TermRow]


def enrolment_for(*, user: User, enrolment_id: int, action: CaseAction) -> Enrolment:
    """The enrolment if the user may act on its case; a missing one is reported like a case."""
    enrolment = (
        Enrolment.objects.filter(pk=enrolment_id)
        .select_related("participant__person", "case")
        .first()
    )
    if enrolment is None:
        raise CaseNotFoundError
    access_case(user, enrolment.case_id, action, log_read=action == CaseAction.VIEW)
    return enrolment


def enrolment_detail(*, user: User, enrolment_id: int) -> EnrolmentDetail:
    enrolment = enrolment_for(user=user, enrolment_id=enrolment_id, action=CaseAction.VIEW)
    terms = list(enrolment.terms.order_by("due_on", "id"))
    entries: dict[int, list[TermEntry]] = {term.pk: [] for term in terms}
    for entry in TermEntry.objects.filter(term__enrolment=enrolment).select_related("recorded_by"):
        entries[entry.term_id].append(entry)
    return EnrolmentDetail(
        enrolment=enrolment,
        programme=active_ruleset().programmes.get(enrolment.programme),
        rows=[TermRow(term=term, entries=entries[term.pk]) for term in terms],
    )


def _open_terms(user: User) -> QuerySet[Term]:
    # Correlated: the list walks the due-date index and asks the policy about each row it
    # keeps, instead of first computing every case the user may see (100k+ rows).
    visible = visible_cases(user).filter(pk=OuterRef("enrolment__case_id"))
    return (
        Term.objects.filter(status=TermStatus.OPEN, enrolment__status=EnrolmentStatus.ACTIVE)
        .filter(Exists(visible))
        .select_related("enrolment__participant__person", "enrolment__case")
    )


@dataclass(frozen=True)
class TermWindow:
    """One page of a term list, reached by a cursor (the last row's due date and id) rather
    than an offset or a total: both would cost a scan of every open term of a large office,
    and a work list needs only "what comes next"."""

    rows: list[Term]
    next_cursor: str
    first: bool


def parse_cursor(value: str) -> tuple[dt.date, int] | None:
    """`YYYY-MM-DD.<id>` as written by `term_window`; anything else starts from the top."""
    day, _, pk = value.partition(".")
    try:
        return dt.date.fromisoformat(day), int(pk)
    except ValueError:
        return None


def term_window(terms: QuerySet[Term], *, after: str, per_page: int) -> TermWindow:
    cursor = parse_cursor(after)
    if cursor is not None:
        day, pk = cursor
        # A plain range on due_on keeps the index usable; the OR alone makes SQLite scan.
        terms = terms.filter(due_on__gte=day).filter(Q(due_on__gt=day) | Q(pk__gt=pk))
    rows = list(terms[: per_page + 1])
    shown = rows[:per_page]
    more = len(rows) > per_page
    return TermWindow(
        rows=shown,
        next_cursor=f"{shown[-1].due_on.isoformat()}.{shown[-1].pk}" if more else "",
        first=cursor is None,
    )


def overdue_terms(*, user: User, today: dt.date) -> QuerySet[Term]:
    """Open terms past their due date on cases the user may see, oldest first."""
    return _open_terms(user).filter(due_on__lt=today).order_by("due_on", "id")


def due_soon_terms(*, user: User, today: dt.date, days: int) -> QuerySet[Term]:
    """Open terms due from today up to `days` ahead, soonest first."""
    return (
        _open_terms(user)
        .filter(due_on__gte=today, due_on__lte=today + dt.timedelta(days=days))
        .order_by("due_on", "id")
    )


@dataclass(frozen=True)
class BarFinding:
    """An earlier nolle prosequi (or dismissal) for performed consideration that bars charging
    this person again for the same conduct."""

    earlier_case_id: int
    earlier_case_label: str
    disposition_id: int
    disposition_label: str
    disposed_on: dt.date
    citation: str
    why: str
    authority: str

    def as_json(self) -> dict[str, object]:
        return {
            "earlier_case": self.earlier_case_label,
            "disposition_id": self.disposition_id,
            "disposition": self.disposition_label,
            "disposed_on": self.disposed_on.isoformat(),
            "citation": self.citation,
            "why": self.why,
            "authority": self.authority,
        }


def bar_findings(
    *,
    user: User,
    case: Case,
    participant: Participant,
    statute_key: str,
    incident_on: dt.date | None,
) -> list[BarFinding]:
    """The earlier cases whose nolle for performed consideration bars this charge (one finding
    per earlier case): same person, and either a recorded same-conduct link or the same statute
    with incident dates within the ruleset's window (or an unknown incident date)."""
    rule = active_ruleset().reprosecution_bar
    window = dt.timedelta(days=rule.same_conduct_window_days if rule else 0)
    linked = set(
        SameConductLink.objects.filter(case=case).values_list("earlier_case_id", flat=True)
    ) | set(SameConductLink.objects.filter(earlier_case=case).values_list("case_id", flat=True))
    barring = (
        ChargeDisposition.objects.filter(
            is_current=True,
            performed_consideration=True,
            charge__participant__person_id=participant.person_id,
        )
        .exclude(charge__case_id=case.pk)
        .select_related("charge__case")
        .order_by("charge__case_id", "disposed_on", "id")
    )
    found: dict[int, tuple[ChargeDisposition, str]] = {}
    for disposition in barring:
        earlier = disposition.charge.case
        if earlier.pk in found:
            continue
        if earlier.pk in linked:
            found[earlier.pk] = (disposition, "The cases are recorded as the same conduct.")
        elif disposition.charge.statute_key == statute_key:
            if incident_on is None:
                found[earlier.pk] = (
                    disposition,
                    "Same statute against the same person; the incident date is not given.",
                )
            elif abs(incident_on - earlier.received_on) <= window:
                found[earlier.pk] = (
                    disposition,
                    (
                        "Same statute against the same person, incident within "
                        f"{window.days} days of the earlier case."
                    ),
                )
    labels = case_labels(user=user, case_ids=found)
    return [
        BarFinding(
            earlier_case_id=case_id,
            earlier_case_label=labels[case_id],
            disposition_id=disposition.pk,
            disposition_label=disposition.get_kind_display() + " for performed consideration",
            disposed_on=disposition.disposed_on,
            citation=disposition.charge.citation,
            why=why,
            authority=rule.citation if rule else "",
        )
        for case_id, (disposition, why) in found.items()
    ]
