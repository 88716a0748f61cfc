"""Cases, the people in them, their charges and what happened.

Rows are written only by `evenhand.cases.services`; cases are read only through
`evenhand.screening.policies` (visible_cases / access_case).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from evenhand.screening.names import normalize


def name_search_keys(name: str) -> tuple[str, str]:
    """The (given name, surname) a recorded name is looked up by when checking a new person for
    duplicates: the first and last words of the name normalised as the name comparisons
    normalise it (case folded, accents and punctuation removed), so "José Müller" and "jose
    MULLER" give the same keys. A name of fewer than two words says too little to call two
    records the same person and gives two empty keys."""
    words = normalize(name).split()
    return (words[0], words[-1]) if len(words) > 1 else ("", "")


class Person(models.Model):
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    middle_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField()
    # `name_search_keys` of the full name, set by the service that records the person; the
    # database default keeps bulk loads that name only the other columns working.
    given_key = models.TextField(blank=True, editable=False, db_default="")
    surname_key = models.TextField(blank=True, editable=False, db_default="")

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [
            models.Index(Lower("last_name"), Lower("first_name"), name="person_name_ci"),
            models.Index(fields=["surname_key", "given_key"], name="person_name_key"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(
            part for part in (self.first_name, self.middle_name, self.last_name) if part
        )


class PersonAlias(models.Model):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="aliases")
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField()
    # `name_search_keys` of the alias, set by the service that records it (see Person).
    given_key = models.TextField(blank=True, editable=False, db_default="")
    surname_key = models.TextField(blank=True, editable=False, db_default="")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["person", "name"], name="alias_unique_per_person"),
        ]
        indexes = [models.Index(fields=["surname_key", "given_key"], name="alias_name_key")]

    def __str__(self) -> str:
        return self.name


class RelationshipKind(models.TextChoices):
    RELATIVE_OF = "relative_of", "is a relative of"
    SPOUSE_OF = "spouse_of", "is the spouse or partner of"
    ASSOCIATE_OF = "associate_of", "is an associate of"
    REPRESENTS = "represents", "represents (attorney)"
    EMPLOYED_BY = "employed_by", "is employed by"


class Relationship(models.Model):
    """A directed link between two people: `from_person` <kind> `to_person`."""

    from_person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="relationships_out"
    )
    to_person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="relationships_in")
    kind = models.CharField(max_length=32, choices=RelationshipKind.choices)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["from_person", "to_person", "kind"], name="relationship_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(from_person=models.F("to_person")),
                name="relationship_not_self",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_person} {self.get_kind_display()} {self.to_person}"


class CaseStatus(models.TextChoices):
    INTAKE = "intake", "Intake (referral received)"
    FELONY_REVIEW = "felony_review", "Felony review"
    CHARGED = "charged", "Charged"
    DISPOSED = "disposed", "Disposed"
    CLOSED = "closed", "Closed"


class SpecialProsecution(models.TextChoices):
    NONE = "none", "Handled by the office"
    AWAITING_APPOINTMENT = (
        "awaiting_appointment",
        "Awaiting court appointment of a special prosecutor",
    )
    APPOINTED = "appointed", "Special prosecutor appointed by the court"


class Case(models.Model):
    number = models.CharField(max_length=32, unique=True)
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=32, choices=CaseStatus.choices, default=CaseStatus.INTAKE)
    received_on = models.DateField()
    summary = models.TextField(blank=True)
    # When the head of office cannot act, only a court-appointed special prosecutor may charge
    # or dispose; the office keeps nothing but the record.
    special_prosecution = models.CharField(
        max_length=32, choices=SpecialProsecution.choices, default=SpecialProsecution.NONE
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["-received_on", "-id"], name="case_recent")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class AssignmentRole(models.TextChoices):
    LEAD = "lead", "Lead prosecutor"
    MEMBER = "member", "Team member"
    INVESTIGATOR = "investigator", "Investigator"


class CaseAssignment(models.Model):
    """Membership of a case team. Team members may act on the case even without office-wide
    rights (e.g. an external special prosecutor)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="assignments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_assignments"
    )
    role = models.CharField(max_length=32, choices=AssignmentRole.choices)
    assigned_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "user"],
                condition=models.Q(ended_at__isnull=True),
                name="one_active_assignment_per_user_case",
            ),
        ]
        indexes = [models.Index(fields=["user", "case"], name="assignment_user_case")]

    def __str__(self) -> str:
        return f"{self.user} on {self.case_id} ({self.role})"


class ParticipantRole(models.TextChoices):
    VICTIM = "victim", "Victim"
    COMPLAINANT = "complainant", "Complainant"
    SUSPECT = "suspect", "Suspect"
    DEFENDANT = "defendant", "Defendant"
    WITNESS = "witness", "Witness"
    RELATIVE = "relative", "Relative of a participant"
    DEFENCE_ATTORNEY = "defence_attorney", "Defence attorney"
    REPORTING_OFFICER = "reporting_officer", "Reporting officer"


class Participant(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="participants")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="participations")
    role = models.CharField(max_length=32, choices=ParticipantRole.choices)
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "person"], name="participant_once_per_case"),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"


class ParticipantRoleChange(models.Model):
    """History of a participant's roles; the first row is the role they were added with."""

    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="role_changes"
    )
    from_role = models.CharField(max_length=32, choices=ParticipantRole.choices, blank=True)
    to_role = models.CharField(max_length=32, choices=ParticipantRole.choices)
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_role or '—'} → {self.to_role}"


class ContactChannel(models.TextChoices):
    PHONE = "phone", "Phone call"
    TEXT = "text", "Text message"
    EMAIL = "email", "Email"
    IN_PERSON = "in_person", "In person"
    OTHER = "other", "Other"


class Contact(models.Model):
    """A logged contact between a staff member and a person, optionally about a case."""

    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="contacts"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="contacts")
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="contacts", null=True, blank=True
    )
    channel = models.CharField(max_length=16, choices=ContactChannel.choices)
    occurred_at = models.DateTimeField()
    summary = models.TextField()
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    logged_at = models.DateTimeField()

    class Meta:
        ordering = ["-occurred_at"]

    def __str__(self) -> str:
        return f"{self.staff} ↔ {self.person} ({self.get_channel_display()})"


class Charge(models.Model):
    """One count against one participant. Amendments add a new version and retire the old."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="charges")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="charges")
    statute_key = models.CharField(max_length=64)
    citation = models.CharField(max_length=100)
    offense_title = models.CharField(max_length=300)
    offense_class = models.CharField(max_length=4)
    count_number = models.PositiveIntegerField()
    version = models.PositiveIntegerField(default=1)
    is_current = models.BooleanField(default=True)
    previous = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_version"
    )
    filed_on = models.DateField()
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["participant_id", "count_number", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "count_number", "version"], name="charge_version_unique"
            ),
            models.UniqueConstraint(
                fields=["participant", "count_number"],
                condition=models.Q(is_current=True),
                name="one_current_version_per_count",
            ),
            models.CheckConstraint(condition=models.Q(count_number__gte=1), name="count_positive"),
        ]
        indexes = [
            models.Index(fields=["statute_key"], name="charge_statute"),
            models.Index(fields=["case", "is_current"], name="charge_case_current"),
        ]

    def __str__(self) -> str:
        return f"Count {self.count_number} v{self.version}: {self.citation}"


class CaseEventKind(models.TextChoices):
    REPORT_RECEIVED = "report_received", "Report received from police"
    INVESTIGATION = "investigation", "Investigation step"
    ARREST = "arrest", "Arrest"
    RELEASE = "release", "Release from custody"
    FELONY_REVIEW = "felony_review", "Felony review"
    CHARGE_FILED = "charge_filed", "Charge filed"
    CHARGE_AMENDED = "charge_amended", "Charge amended"
    HEARING = "hearing", "Court hearing"
    PARTICIPANT_ADDED = "participant_added", "Participant added"
    ROLE_CHANGED = "role_changed", "Participant role changed"
    CONTACT_LOGGED = "contact_logged", "Contact logged"
    NOTE = "note", "Note"


class CaseEvent(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=32, choices=CaseEventKind.choices)
    occurred_at = models.DateTimeField()
    summary = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["case", "occurred_at"], name="event_case_time")]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d} {self.get_kind_display()}"
