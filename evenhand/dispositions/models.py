"""Dispositions per charge, diversion programme enrolments with structured terms, and the bar.

Rows are written only by `evenhand.dispositions.services`. Dispositions, enrolments and terms
carry a `version` for optimistic locking: an update names the version it read, and loses with a
clear message if someone else changed the row first.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from evenhand.cases.models import Case, Charge, Participant


class DispositionKind(models.TextChoices):
    """What became of one charge. Descriptions in `DISPOSITION_DESCRIPTIONS`; the Cook County
    open-data value of each in `evenhand.dispositions.vocabulary`."""

    NOLLE_PROSEQUI = "nolle_prosequi", "Nolle prosequi"
    NOLLE_PROSEQUI_CONDITIONS = "nolle_prosequi_conditions", "Nolle prosequi with conditions"
    SOL = "sol", "Stricken off with leave to reinstate (SOL)"
    PLEA_AS_CHARGED = "plea_as_charged", "Plea of guilty as charged"
    PLEA_AMENDED = "plea_amended", "Plea of guilty to an amended charge"
    PLEA_LESSER_INCLUDED = "plea_lesser_included", "Plea of guilty to a lesser included offence"
    BENCH_GUILTY = "bench_guilty", "Finding of guilty (bench trial)"
    BENCH_GUILTY_LESSER = "bench_guilty_lesser", "Finding of guilty of a lesser included offence"
    BENCH_NOT_GUILTY = "bench_not_guilty", "Finding of not guilty (bench trial)"
    JURY_GUILTY = "jury_guilty", "Verdict of guilty (jury)"
    JURY_GUILTY_LESSER = "jury_guilty_lesser", "Verdict of guilty of a lesser included offence"
    JURY_NOT_GUILTY = "jury_not_guilty", "Verdict of not guilty (jury)"
    DISMISSED_BY_COURT = "dismissed_by_court", "Dismissed by the court"
    NO_PROBABLE_CAUSE = "no_probable_cause", "Finding of no probable cause"
    SUPERSEDED_BY_INDICTMENT = "superseded_by_indictment", "Superseded by indictment"
    TRANSFERRED = "transferred", "Transferred to the misdemeanour court"
    ABATED = "abated", "Abated (death of the defendant)"


DISPOSITION_DESCRIPTIONS: dict[str, str] = {
    DispositionKind.NOLLE_PROSEQUI: (
        "The prosecutor declines to pursue the charge. Not an acquittal; it bars a new "
        "prosecution only once jeopardy has attached."
    ),
    DispositionKind.NOLLE_PROSEQUI_CONDITIONS: (
        "The prosecutor declines to pursue the charge in exchange for terms. Once the terms are "
        "performed it bars a new prosecution for the same conduct."
    ),
    DispositionKind.SOL: (
        "Taken off the call with leave to reinstate by a deadline; not final. Docket practice, "
        "kept apart from a nolle prosequi."
    ),
    DispositionKind.PLEA_AS_CHARGED: "The defendant pleads guilty to the charge as filed.",
    DispositionKind.PLEA_AMENDED: "The defendant pleads guilty to the charge as amended.",
    DispositionKind.PLEA_LESSER_INCLUDED: (
        "The defendant pleads guilty to an offence included in the charge."
    ),
    DispositionKind.BENCH_GUILTY: "A judge finds the defendant guilty after a bench trial.",
    DispositionKind.BENCH_GUILTY_LESSER: (
        "A judge finds the defendant guilty of an offence included in the charge."
    ),
    DispositionKind.BENCH_NOT_GUILTY: "A judge finds the defendant not guilty.",
    DispositionKind.JURY_GUILTY: "A jury returns a verdict of guilty.",
    DispositionKind.JURY_GUILTY_LESSER: (
        "A jury finds the defendant guilty of an offence included in the charge."
    ),
    DispositionKind.JURY_NOT_GUILTY: "A jury returns a verdict of not guilty.",
    DispositionKind.DISMISSED_BY_COURT: (
        "The court dismisses the charge (also on graduation from a court programme)."
    ),
    DispositionKind.NO_PROBABLE_CAUSE: (
        "The court finds no probable cause at the preliminary hearing."
    ),
    DispositionKind.SUPERSEDED_BY_INDICTMENT: (
        "Procedural: the case continues under an indictment."
    ),
    DispositionKind.TRANSFERRED: "Procedural: the charge moves to the misdemeanour court.",
    DispositionKind.ABATED: "The defendant died; the prosecution abates.",
}

CONVICTIONS = frozenset(
    {
        DispositionKind.PLEA_AS_CHARGED,
        DispositionKind.PLEA_AMENDED,
        DispositionKind.PLEA_LESSER_INCLUDED,
        DispositionKind.BENCH_GUILTY,
        DispositionKind.BENCH_GUILTY_LESSER,
        DispositionKind.JURY_GUILTY,
        DispositionKind.JURY_GUILTY_LESSER,
    }
)
# Kinds that may carry performed consideration (the terms of an agreement).
AGREEMENT_KINDS = frozenset(
    {DispositionKind.NOLLE_PROSEQUI_CONDITIONS, DispositionKind.DISMISSED_BY_COURT}
)


class ChargeDisposition(models.Model):
    """How one charge ended (or paused, for SOL). One current disposition per charge; a
    vacated or replaced one stays on the record with `is_current = False`."""

    charge = models.ForeignKey(Charge, on_delete=models.PROTECT, related_name="dispositions")
    kind = models.CharField(max_length=40, choices=DispositionKind.choices)
    disposed_on = models.DateField()
    # True when the State gave up the charge in exchange for terms the defendant performed:
    # such a nolle prosequi bars a new prosecution for the same conduct.
    performed_consideration = models.BooleanField(default=False)
    conditions = models.TextField(blank=True)
    reinstatement_deadline = models.DateField(null=True, blank=True)
    enrolment = models.ForeignKey(
        "Enrolment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dispositions",
    )
    note = models.TextField(blank=True)
    is_current = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["charge_id", "-recorded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["charge"],
                condition=models.Q(is_current=True),
                name="one_current_disposition_per_charge",
            ),
            models.CheckConstraint(
                condition=models.Q(reinstatement_deadline__isnull=True) | models.Q(kind="sol"),
                name="reinstatement_deadline_only_for_sol",
            ),
        ]
        indexes = [
            models.Index(fields=["performed_consideration", "kind"], name="disposition_bar_lookup"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.disposed_on}"

    @property
    def description(self) -> str:
        return DISPOSITION_DESCRIPTIONS[self.kind]


class EnrolmentStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed (terminated)"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ConsentState(models.TextChoices):
    UNKNOWN = "unknown", "Not yet asked"
    GIVEN = "given", "Given"
    REFUSED = "refused", "Refused"


class Enrolment(models.Model):
    """A defendant's participation in a diversion programme or alternative disposition.

    `programme` is a programme code of the ruleset. The eligibility explanation at enrolment is
    kept as it was shown, so a later change in the rules does not rewrite history.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="enrolments")
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="enrolments"
    )
    programme = models.CharField(max_length=64)
    status = models.CharField(
        max_length=16, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ACTIVE
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    consent_state_attorney = models.CharField(
        max_length=16, choices=ConsentState.choices, default=ConsentState.UNKNOWN
    )
    consent_defendant = models.CharField(
        max_length=16, choices=ConsentState.choices, default=ConsentState.UNKNOWN
    )
    consent_victim = models.CharField(
        max_length=16, choices=ConsentState.choices, default=ConsentState.UNKNOWN
    )
    # What the office checked outside its own records (e.g. a state criminal-history report).
    prior_record_attestation = models.TextField(blank=True)
    eligibility = models.JSONField(default=list)
    eligibility_override_reason = models.TextField(blank=True)
    completed_on = models.DateField(null=True, blank=True)
    outcome_note = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="enrolment_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(completed_on__isnull=True)
                | models.Q(completed_on__gte=models.F("starts_on")),
                name="enrolment_completed_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["participant", "programme"], name="enrolment_person_prog"),
            models.Index(fields=["status", "ends_on"], name="enrolment_status_end"),
        ]

    def __str__(self) -> str:
        return f"{self.programme} for {self.participant_id} ({self.status})"


class TermKind(models.TextChoices):
    COMMUNITY_SERVICE = "community_service", "Community service (hours)"
    RESTITUTION = "restitution", "Restitution (dollars)"
    BOND_FORFEITURE = "bond_forfeiture", "Bond forfeiture (dollars)"
    CLASSES = "classes", "Classes or treatment (sessions)"
    NO_CONTACT = "no_contact", "No contact"
    EDUCATION = "education", "Education or employment"
    NO_WEAPONS = "no_weapons", "No weapons"


# The unit of `required_amount` per kind; kinds without one are kept until the end date.
TERM_UNITS: dict[str, str] = {
    TermKind.COMMUNITY_SERVICE: "hours",
    TermKind.RESTITUTION: "dollars",
    TermKind.BOND_FORFEITURE: "dollars",
    TermKind.CLASSES: "sessions",
}


class TermStatus(models.TextChoices):
    OPEN = "open", "Open"
    MET = "met", "Met"
    VIOLATED = "violated", "Violated"
    WAIVED = "waived", "Waived by the court"
    CLOSED = "closed", "Closed with the enrolment"


class Term(models.Model):
    """One structured condition of an enrolment, with its deadline and progress."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="terms")
    kind = models.CharField(max_length=32, choices=TermKind.choices)
    required_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    # Running total of the completion log, kept with the term so lists need no aggregation.
    completed_amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    detail = models.CharField(max_length=500, blank=True)
    due_on = models.DateField()
    status = models.CharField(max_length=16, choices=TermStatus.choices, default=TermStatus.OPEN)
    met_on = models.DateField(null=True, blank=True)
    violations = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(required_amount__isnull=True) | models.Q(required_amount__gt=0),
                name="term_required_amount_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(completed_amount__gte=0), name="term_completed_not_negative"
            ),
        ]
        indexes = [
            # The overdue and due-soon lists: open terms by due date.
            models.Index(fields=["status", "due_on", "id"], name="term_status_due"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} due {self.due_on}"

    @property
    def unit(self) -> str:
        return TERM_UNITS.get(self.kind, "")

    @property
    def remaining(self) -> object:
        if self.required_amount is None:
            return None
        return max(self.required_amount - self.completed_amount, 0)


class TermEntryKind(models.TextChoices):
    HOURS = "hours", "Hours performed"
    PAYMENT = "payment", "Payment"
    SESSION = "session", "Session attended"
    VIOLATION = "violation", "Violation"
    NOTE = "note", "Note"


class TermEntry(models.Model):
    """The completion log of a term: append-only, corrected by a further entry."""

    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=16, choices=TermEntryKind.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    occurred_on = models.DateField()
    note = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["occurred_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gt=0),
                name="term_entry_amount_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount or ''} on {self.occurred_on}"


class SameConductLink(models.Model):
    """A recorded statement that a case concerns the same incident as an earlier one."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    earlier_case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "earlier_case"], name="same_conduct_once"),
            models.CheckConstraint(
                condition=~models.Q(case=models.F("earlier_case")), name="same_conduct_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} same conduct as {self.earlier_case_id}"


class BarOverride(models.Model):
    """An explicit, recorded decision to charge despite an earlier nolle prosequi for performed
    consideration against the same person for the same conduct."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="+")
    barring_disposition = models.ForeignKey(
        ChargeDisposition, on_delete=models.PROTECT, related_name="overrides"
    )
    statute_key = models.CharField(max_length=64)
    reason = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Bar override on {self.case_id} ({self.statute_key})"
