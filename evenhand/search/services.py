"""The one write the search app makes itself: rebuilding the index (the triggers keep it
current otherwise)."""

from __future__ import annotations

from django.db import connection, transaction

from evenhand.accounts.models import User
from evenhand.audit.models import AuditAction
from evenhand.audit.services import audit_record

from .models import SearchDocument
from .triggers import dialect_for, refresh_everything


@transaction.atomic
def search_reindex(*, actor: User | None) -> int:
    """Rebuild every index row from the source tables; idempotent. Returns the row count."""
    dialect = dialect_for(connection)
    with connection.cursor() as cursor:
        for statement in refresh_everything(dialect):
            cursor.execute(statement)
        if dialect.vendor == "sqlite":
            # Re-read the FTS table from its content table, repairing it if it ever diverged.
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
    documents = SearchDocument.objects.count()
    audit_record(
        actor=actor,
        action=AuditAction.SEARCH_REINDEXED,
        subject_type="search_index",
        after={"documents": documents},
    )
    return documents
