"""API operations for the transparency app."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["transparency"])
