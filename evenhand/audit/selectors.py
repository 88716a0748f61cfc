"""Reads of the audit log. Callers must already hold access to what they ask about."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import AuditEntry


def audit_entries_for_case(*, case_id: int) -> QuerySet[AuditEntry]:
    """A case's trail, newest first. The caller has passed `access_case` for this case."""
    return AuditEntry.objects.filter(case_id=case_id).order_by("-seq")
