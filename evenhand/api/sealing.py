"""API operations for the sealing app."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["sealing"])
