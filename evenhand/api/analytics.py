"""API operations for the analytics app."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["analytics"])
