"""Per-request context that audit entries pick up without every caller passing it along."""

from __future__ import annotations

from contextvars import ContextVar

current_request_id: ContextVar[str] = ContextVar("evenhand_request_id", default="")
