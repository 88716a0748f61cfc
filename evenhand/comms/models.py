"""Case messages. Every message is a record: kept, searchable and exportable, whether it was
delivered, refused or held."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from evenhand.cases.models import Case


class Thread(models.Model):
    subject = models.CharField(max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.subject


class MessageStatus(models.TextChoices):
    DELIVERED = "delivered", "Delivered"
    REFUSED = "refused", "Refused: tagged to a case a participant is screened from"
    HELD = "held", "Held: mentions a screened case; reported as an attempted breach"
    RELEASED = "released", "Released after review (not a breach)"


class Message(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.PROTECT, related_name="messages")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="messages_sent"
    )
    body = models.TextField()
    sent_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=MessageStatus.choices)
    cases = models.ManyToManyField(Case, through="MessageCase", related_name="messages")
    # Why a message was refused or held: which screen and which terms matched.
    screening_note = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["sent_at", "id"]
        indexes = [models.Index(fields=["status", "sent_at"], name="message_status_time")]

    def __str__(self) -> str:
        return f"Message #{self.pk} from {self.sender} ({self.status})"


class MessageCase(models.Model):
    message = models.ForeignKey(Message, on_delete=models.PROTECT)
    case = models.ForeignKey(Case, on_delete=models.PROTECT)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "case"], name="message_case_once"),
        ]

    def __str__(self) -> str:
        return f"message {self.message_id} tagged to case {self.case_id}"


class MessageRecipient(models.Model):
    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="recipients")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="messages_received"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "user"], name="message_recipient_once"),
        ]
        indexes = [models.Index(fields=["user", "message"], name="recipient_user_message")]

    def __str__(self) -> str:
        return f"message {self.message_id} to user {self.user_id}"


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="attachments")
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    # Kept in the database with the message: a record must not depend on a file store.
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)

    def __str__(self) -> str:
        return self.filename


class BreachReport(models.Model):
    """An attempted breach of a screen, for the ethics officer and the inspector general."""

    message = models.OneToOneField(Message, on_delete=models.PROTECT, related_name="breach")
    screen = models.ForeignKey("screening.Screen", on_delete=models.PROTECT, related_name="+")
    screened_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    matched_terms = models.JSONField(default=list)
    # The walled cases the message names: whoever may not read one of them may not read it.
    named_cases = models.ManyToManyField(Case, related_name="+")
    reported_at = models.DateTimeField()

    class Meta:
        ordering = ["-reported_at"]

    def __str__(self) -> str:
        return f"Attempted breach by message #{self.message_id}"
