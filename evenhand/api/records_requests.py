"""API operations for the records_requests app."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["records_requests"])
