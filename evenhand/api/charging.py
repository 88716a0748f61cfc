"""API operations for the charging app."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["charging"])
