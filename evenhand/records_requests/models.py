"""Public-records requests and everything decided while answering one.

Rows are written only by `evenhand.records_requests.services`. The records found for a request
are kept as a snapshot of the original text taken when the officer added them; released copies
are made from that snapshot with the accepted redactions, and neither the snapshot nor the
source record is ever changed.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models


class RequesterClass(models.TextChoices):
    STANDARD = "standard", "Standard"
    COMMERCIAL = "commercial", "Commercial"
    RECURRENT = "recurrent", "Recurrent requester"


class Channel(models.TextChoices):
    WEB = "web", "Public web form"
    EMAIL = "email", "E-mail"
    MAIL = "mail", "Mail"
    PHONE = "phone", "Telephone"
    IN_PERSON = "in_person", "In person"
    FAX = "fax", "Fax"


class Medium(models.TextChoices):
    ELECTRONIC = "electronic", "Electronic copies"
    PAPER = "paper", "Paper copies"


class RequestStatus(models.TextChoices):
    OPEN = "open", "Open"
    EXTENDED = "extended", "Open, deadline extended"
    WAITING_FOR_REQUESTER = "waiting", "Waiting for the requester"
    PARTIALLY_FULFILLED = "partially_fulfilled", "Partially fulfilled, more to come"
    GRANTED = "granted", "Granted"
    PARTIALLY_GRANTED = "partially_granted", "Granted in part, denied in part"
    DENIED = "denied", "Denied"
    WITHDRAWN = "withdrawn", "Withdrawn by the requester"


OPEN_STATUSES = frozenset(
    {
        RequestStatus.OPEN,
        RequestStatus.EXTENDED,
        RequestStatus.WAITING_FOR_REQUESTER,
        RequestStatus.PARTIALLY_FULFILLED,
    }
)


class ResponseKind(models.TextChoices):
    GRANT = "grant", "Grant"
    PARTIAL = "partial", "Partial grant"
    DENIAL = "denial", "Denial"


class RecordsRequest(models.Model):
    number = models.CharField(max_length=32, unique=True)
    # The requester's only key to the tracking page; unguessable (secrets.token_urlsafe).
    tracking_token = models.CharField(max_length=64, unique=True)
    requester_name = models.CharField(max_length=200)
    requester_organisation = models.CharField(max_length=200, blank=True)
    requester_email = models.EmailField(blank=True)
    requester_phone = models.CharField(max_length=40, blank=True)
    requester_address = models.CharField(max_length=500, blank=True)
    description = models.TextField()
    channel = models.CharField(max_length=16, choices=Channel.choices)
    medium = models.CharField(max_length=16, choices=Medium.choices, default=Medium.ELECTRONIC)
    received_on = models.DateField()
    entered_at = models.DateTimeField()
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requester_class = models.CharField(
        max_length=16, choices=RequesterClass.choices, default=RequesterClass.STANDARD
    )
    class_basis = models.CharField(max_length=1000, blank=True)
    status = models.CharField(
        max_length=24, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    status_note = models.CharField(max_length=1000, blank=True)
    original_due_on = models.DateField()
    extension_reason = models.CharField(max_length=32, blank=True)
    extension_facts = models.TextField(blank=True)
    extension_notice_on = models.DateField(null=True, blank=True)
    extended_due_on = models.DateField(null=True, blank=True)
    agreed_due_on = models.DateField(null=True, blank=True)
    agreement_note = models.CharField(max_length=1000, blank=True)
    search_query = models.CharField(max_length=500, blank=True)
    responded_on = models.DateField(null=True, blank=True)
    response_kind = models.CharField(max_length=16, choices=ResponseKind.choices, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["status", "original_due_on"], name="rr_status_due")]

    def __str__(self) -> str:
        return self.number

    @property
    def due_on(self) -> dt.date:
        """The date the response is due now: agreed, else extended, else original."""
        return self.agreed_due_on or self.extended_due_on or self.original_due_on

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today: dt.date) -> bool:
        return self.is_open and today > self.due_on

    @property
    def answered_late(self) -> bool:
        return self.responded_on is not None and self.responded_on > self.due_on


class RecordDecision(models.TextChoices):
    PENDING = "pending", "Not yet reviewed"
    RESPONSIVE = "responsive", "Responsive: release (with any redactions)"
    NOT_RESPONSIVE = "not_responsive", "Not responsive"
    WITHHELD = "withheld", "Responsive, withheld in full"


class ReviewedRecord(models.Model):
    """A record found for a request: what it is, the original text, and the decision on it."""

    request = models.ForeignKey(RecordsRequest, on_delete=models.PROTECT, related_name="records")
    kind = models.CharField(max_length=32)
    object_id = models.CharField(max_length=64)
    case_id = models.BigIntegerField(null=True, blank=True)
    case_number = models.CharField(max_length=32, blank=True)
    title = models.CharField(max_length=300)
    record_date = models.DateField(null=True, blank=True)
    original_text = models.TextField()
    original_sha256 = models.CharField(max_length=64)
    decision = models.CharField(
        max_length=16, choices=RecordDecision.choices, default=RecordDecision.PENDING
    )
    exemption_code = models.CharField(max_length=32, blank=True)
    basis = models.TextField(blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["record_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "kind", "object_id"], name="rr_record_once_per_request"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} for {self.request_id}"


class RedactionDecision(models.TextChoices):
    SUGGESTED = "suggested", "Suggested, not yet decided"
    ACCEPTED = "accepted", "Accepted: redacted"
    REJECTED = "rejected", "Rejected: released"


class Redaction(models.Model):
    """One span of a record's original text: suggested or drawn, then accepted or rejected."""

    record = models.ForeignKey(ReviewedRecord, on_delete=models.PROTECT, related_name="redactions")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.TextField()
    kind = models.CharField(max_length=32)
    exemption = models.CharField(max_length=32)
    decision = models.CharField(
        max_length=16, choices=RedactionDecision.choices, default=RedactionDecision.SUGGESTED
    )
    # Empty for the detector's suggestions.
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    proposed_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["record_id", "start", "end"]
        constraints = [
            models.UniqueConstraint(
                fields=["record", "start", "end"], name="rr_redaction_span_once"
            ),
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="rr_span"),
        ]

    def __str__(self) -> str:
        return f"{self.exemption} {self.start}-{self.end} ({self.decision})"


class WithheldCase(models.Model):
    """A case whose records were withheld as a class (sealed), reported by number only."""

    request = models.ForeignKey(
        RecordsRequest, on_delete=models.PROTECT, related_name="withheld_cases"
    )
    case_number = models.CharField(max_length=32)
    exemption_code = models.CharField(max_length=32)
    noted_at = models.DateTimeField()

    class Meta:
        ordering = ["case_number"]
        constraints = [
            models.UniqueConstraint(fields=["request", "case_number"], name="rr_withheld_once"),
        ]

    def __str__(self) -> str:
        return f"{self.case_number} withheld under {self.exemption_code}"


class ResponseLetter(models.Model):
    """The letter as issued: kept verbatim, so what the requester received can be shown."""

    request = models.OneToOneField(RecordsRequest, on_delete=models.PROTECT, related_name="letter")
    kind = models.CharField(max_length=16, choices=ResponseKind.choices)
    issued_on = models.DateField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    html = models.TextField()
    text = models.TextField()
    fee_cents = models.PositiveIntegerField()
    paper_pages = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} letter for {self.request_id}"

    @property
    def fee_display(self) -> str:
        return f"${self.fee_cents // 100}.{self.fee_cents % 100:02d}"


class AppealKind(models.TextChoices):
    PAC_REVIEW = "pac_review", "Request for review by the Public Access Counselor"
    JUDICIAL = "judicial", "Suit for judicial review"


class Appeal(models.Model):
    request = models.ForeignKey(RecordsRequest, on_delete=models.PROTECT, related_name="appeals")
    kind = models.CharField(max_length=16, choices=AppealKind.choices)
    reference = models.CharField(max_length=100, blank=True)
    filed_on = models.DateField()
    notice_received_on = models.DateField()
    records_due_on = models.DateField(null=True, blank=True)
    answer_due_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    closed_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=1000, blank=True)

    class Meta:
        ordering = ["-filed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.request_id}"


class SubmissionAttempt(models.Model):
    """A public-form submission, kept to rate-limit by address (a keyed hash, not the IP)."""

    client_digest = models.CharField(max_length=64)
    attempted_at = models.DateTimeField()
    accepted = models.BooleanField()

    class Meta:
        indexes = [models.Index(fields=["client_digest", "attempted_at"], name="rr_attempt_ip")]

    def __str__(self) -> str:
        return f"attempt at {self.attempted_at:%Y-%m-%d %H:%M}"
