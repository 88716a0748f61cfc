"""What message exports share, in the web pages and the API."""

from __future__ import annotations

EXPORT_COLUMNS = (
    "id",
    "thread_id",
    "sent_at",
    "sender",
    "recipients",
    "cases",
    "status",
    "subject",
    "body",
    "attachments",
)
# A spreadsheet runs a cell starting with these as a formula (tab and CR per OWASP).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: str) -> str:
    """Neutralise a formula in exported text by making it a plain string."""
    return f"'{value}" if value.startswith(FORMULA_PREFIXES) else value
