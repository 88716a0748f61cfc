"""The search index: one row per searchable record, kept current by database triggers.

Rows are written only by the triggers on the source tables (cases, participants, people and
aliases, events, charges, messages, their case tags and attachments; see the migrations) and by
`services.search_reindex`, which rebuilds them with the same SQL. No other app's services know
the index exists, and the index cannot drift from what it describes.

The full-text part is vendor-specific: on SQLite an FTS5 table `search_fts` over this table's
`title`, `people` and `body` (external content, synchronised by triggers); on PostgreSQL the
`search_vector` column (weighted tsvector, GIN index) filled by a trigger on this table.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models


class DocumentKind(models.TextChoices):
    CASE = "case", "Case record"
    EVENT = "event", "Case event"
    CHARGE = "charge", "Charge"
    MESSAGE = "message", "Case message"
    ATTACHMENT = "attachment", "Message attachment"


class SearchDocument(models.Model):
    kind = models.CharField(max_length=16, choices=DocumentKind.choices)
    object_id = models.BigIntegerField()
    # Not foreign keys: the index mirrors its sources and must never hold them back.
    # For messages and attachments, the first case the message is tagged to or names.
    case_id = models.BigIntegerField(null=True, blank=True)
    message_id = models.BigIntegerField(null=True, blank=True)
    occurred_on = models.DateField(null=True, blank=True)
    title = models.CharField(max_length=400)
    people = models.TextField(blank=True)
    body = models.TextField(blank=True)
    # Message status (delivered, refused, held, released); blank for other kinds.
    status = models.CharField(max_length=16, blank=True)
    # PostgreSQL only (its GIN index is created by the triggers migration); NULL on SQLite.
    search_vector = SearchVectorField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_document_once"),
        ]
        indexes = [
            models.Index(fields=["case_id"], name="search_document_case"),
            models.Index(fields=["message_id"], name="search_document_message"),
            models.Index(fields=["occurred_on"], name="search_document_date"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.object_id}: {self.title}"
