"""The append-only, hash-chained audit log.

Rows are only ever inserted, by `evenhand.audit.services.audit_record`, inside the transaction
of the write they describe. Database triggers (see migrations) refuse UPDATE, DELETE and
TRUNCATE; the hash chain makes any change that bypasses them detectable by `audit verify`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import models


class AuditAction(models.TextChoices):
    # Authentication and accounts (CJIS 5.4.1.1).
    LOGIN_SUCCEEDED = "auth.login_succeeded", "Log-on succeeded"
    LOGIN_FAILED = "auth.login_failed", "Log-on failed"
    LOGOUT = "auth.logout", "Logged off"
    ACCOUNT_LOCKED = "auth.account_locked", "Account locked after repeated failures"
    PASSWORD_CHANGED = "auth.password_changed", "Password changed"
    USER_CREATED = "account.created", "Staff account created"
    USER_UPDATED = "account.updated", "Staff account changed"
    API_TOKEN_CREATED = "account.api_token_created", "API token created"
    API_TOKEN_REVOKED = "account.api_token_revoked", "API token revoked"
    # Case content.
    CASE_OPENED = "case.opened", "Case opened"
    CASE_UPDATED = "case.updated", "Case changed"
    CASE_VIEWED = "case.viewed", "Case content read"
    CASE_ACCESS_REFUSED = "case.access_refused", "Case access refused"
    CASE_ASSIGNMENT_ADDED = "case.assignment_added", "Staff member added to case team"
    CASE_ASSIGNMENT_ENDED = "case.assignment_ended", "Staff member removed from case team"
    CASE_EVENT_RECORDED = "case.event_recorded", "Case event recorded"
    PERSON_CREATED = "person.created", "Person recorded"
    PERSON_ALIAS_ADDED = "person.alias_added", "Alias recorded"
    RELATIONSHIP_ADDED = "person.relationship_added", "Relationship recorded"
    PARTICIPANT_ADDED = "participant.added", "Participant added to case"
    PARTICIPANT_ROLE_CHANGED = "participant.role_changed", "Participant role changed"
    CONTACT_LOGGED = "contact.logged", "Contact logged"
    CHARGE_FILED = "charge.filed", "Charge filed"
    CHARGE_AMENDED = "charge.amended", "Charge amended"
    # Screens, conflicts and the head of office.
    CONFLICT_FLAGGED = "conflict.flagged", "Potential conflict flagged"
    CONFLICT_RESOLVED = "conflict.resolved", "Potential conflict resolved"
    CONFLICT_CHECK_RUN = "conflict.check_run", "Conflict check run by hand"
    SCREEN_RAISED = "screen.raised", "Screen raised"
    SCREEN_LIFTED = "screen.lifted", "Screen lifted"
    SCREEN_ACKNOWLEDGED = "screen.acknowledged", "Screen memo acknowledged"
    SPECIAL_PROSECUTION_CHANGED = "case.special_prosecution", "Special-prosecution state changed"
    PETITION_DRAFTED = "appointment.petition_drafted", "Special-prosecutor petition drafted"
    PETITION_DOWNLOADED = "appointment.petition_downloaded", "Petition document downloaded"
    ACTING_DELEGATION_REFUSED = "appointment.acting_refused", "In-office acting delegation refused"
    COURT_ORDER_RECORDED = (
        "appointment.order_recorded",
        "Court order appointing a special prosecutor recorded",
    )
    # Case messages.
    MESSAGE_DELIVERED = "message.delivered", "Message delivered"
    MESSAGE_REFUSED = "message.refused", "Message refused (screen)"
    MESSAGE_HELD = "message.held", "Message held as an attempted breach"
    MESSAGE_REVIEWED = "message.reviewed", "Held message reviewed"
    MESSAGE_READ = "message.read", "Message thread read"
    MESSAGES_EXPORTED = "message.exported", "Messages exported"
    # Sealing, expungement and court-ordered access (20 ILCS 2630).
    SEALING_ORDER_RECORDED = "sealing.order_recorded", "Sealing or expungement order recorded"
    UNSEALING_ORDER_RECORDED = "sealing.unsealed", "Unsealing order recorded"
    SEALED_ACCESS_GRANTED = "sealing.access_granted", "Court-ordered access to a sealed case"
    SEALED_ACCESS_REVOKED = "sealing.access_revoked", "Court-ordered access revoked"
    SEALED_ACCESS_REASON_GIVEN = "sealing.reason_given", "Reason given to open a sealed case"
    SEALING_DOCUMENT_READ = "sealing.document_read", "Sealing order document downloaded"
    # Charging: referral, felony review, charging decision (with its consistency verdict).
    REFERRAL_RECEIVED = "charging.referral_received", "Police referral received"
    FELONY_REVIEW_RECORDED = "charging.felony_review", "Felony review recorded"
    CHARGING_DECIDED = "charging.decided", "Charging decision recorded"
    # Full-text search over case content (who searched for what).
    SEARCH_PERFORMED = "search.performed", "Case content searched"
    SEARCH_REINDEXED = "search.reindexed", "Search index rebuilt"
    # Dispositions, diversion programmes and their terms, the re-prosecution bar.
    DISPOSITION_RECORDED = "disposition.recorded", "Charge disposition recorded"
    DISPOSITION_CHANGED = "disposition.changed", "Charge disposition changed"
    ENROLMENT_CREATED = "enrolment.created", "Diversion programme enrolment recorded"
    ENROLMENT_CHANGED = "enrolment.changed", "Diversion programme enrolment changed"
    ENROLMENT_ENDED = "enrolment.ended", "Diversion programme enrolment ended"
    TERM_ADDED = "term.added", "Programme term added"
    TERM_CHANGED = "term.changed", "Programme term changed"
    TERM_ENTRY_LOGGED = "term.entry_logged", "Term completion logged"
    SAME_CONDUCT_LINKED = "bar.same_conduct_linked", "Case linked as the same conduct"
    BAR_WARNED = "bar.warned", "Re-prosecution bar warning shown"
    BAR_OVERRIDDEN = "bar.overridden", "Re-prosecution bar overridden with reason"
    # Public-records requests (FOIA): intake, deadlines, review, redaction, response.
    RECORDS_REQUEST_RECEIVED = "records_request.received", "Records request received"
    RECORDS_SUBMISSION_REFUSED = (
        "records_request.submission_refused",
        "Public records-request submission refused (rate limit or spam check)",
    )
    RECORDS_REQUEST_CLASSIFIED = "records_request.classified", "Requester class changed"
    RECORDS_REQUEST_EXTENDED = "records_request.extended", "Response deadline extended"
    RECORDS_REQUEST_STATUS_CHANGED = "records_request.status_changed", "Request status changed"
    RECORDS_REQUEST_SEARCHED = "records_request.searched", "Records searched for a request"
    RECORDS_RECORD_REVIEWED = "records_request.record_reviewed", "Record marked for a request"
    RECORDS_REDACTION_DECIDED = "records_request.redaction_decided", "Redaction decided"
    RECORDS_REQUEST_RESPONDED = "records_request.responded", "Response letter issued"
    RECORDS_PACKAGE_DOWNLOADED = "records_request.package_downloaded", "Release package read"
    RECORDS_PACKAGE_PUBLISHED = "records_request.published", "Release published in the library"
    RECORDS_APPEAL_RECORDED = "records_request.appeal_recorded", "Appeal or PAC review recorded"
    RECORDS_APPEAL_CLOSED = "records_request.appeal_closed", "Appeal or PAC review closed"
    # The log itself.
    AUDIT_EXPORTED = "audit.exported", "Audit log exported"
    AUDIT_READ = "audit.read", "Audit log read"
    BACKUP_CREATED = "operations.backup_created", "Backup taken"
    BACKUP_RESTORED = "operations.backup_restored", "Backup restored and verified"


class AuditOutcome(models.TextChoices):
    SUCCESS = "success", "Succeeded"
    REFUSED = "refused", "Refused"
    FAILED = "failed", "Failed"


class ActionField(models.CharField):  # type: ignore[type-arg]  # generic only in django-stubs
    """A CharField whose choices stay out of migrations.

    Every app adds its own audit actions; the column itself never changes, so a new action
    should not need a migration in the audit app (and parallel work should not race for one).
    """

    def deconstruct(self) -> tuple[str, str, Sequence[Any], dict[str, Any]]:
        name, _path, args, kwargs = super().deconstruct()
        kwargs.pop("choices", None)
        return name, "django.db.models.CharField", args, kwargs


class AuditEntry(models.Model):
    # `seq` is the position in the chain; gaps or reordering break verification.
    seq = models.BigIntegerField(unique=True)
    occurred_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The username at the time, so the entry reads the same after an account is renamed.
    actor_label = models.CharField(max_length=150, blank=True)
    action = ActionField(max_length=64, choices=AuditAction.choices)
    outcome = models.CharField(
        max_length=16, choices=AuditOutcome.choices, default=AuditOutcome.SUCCESS
    )
    subject_type = models.CharField(max_length=64)
    subject_id = models.CharField(max_length=64, blank=True)
    # Not a foreign key: log entries outlive and must not cascade with what they describe.
    case_id = models.BigIntegerField(null=True, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["case_id", "seq"], name="audit_case_seq"),
            models.Index(fields=["actor", "seq"], name="audit_actor_seq"),
            models.Index(fields=["action", "seq"], name="audit_action_seq"),
        ]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.subject_type}:{self.subject_id}"
