"""The JSON API, mounted at /api/ (OpenAPI at /api/openapi.json, docs at /api/docs).

Every operation requires a caller: an API token (`Authorization: Bearer evh_…`) or a browser
session with CSRF protection on unsafe methods.
"""

from __future__ import annotations

from ninja import NinjaAPI

from . import (
    accounts,
    analytics,
    appointments,
    cases,
    charging,
    dispositions,
    messages,
    oversight,
    records_requests,
    reference,
    screening,
    sealing,
    search,
    transparency,
)
from .auth import ApiTokenAuth, BrowserSessionAuth
from .errors import install_exception_handlers

api = NinjaAPI(
    title="evenhand API",
    version="1",
    description=(
        "Case management for a prosecutor's office. A case you may not see is reported "
        "exactly like a missing one (404), and the attempt is logged."
    ),
    docs_url="/docs",
    auth=[ApiTokenAuth(), BrowserSessionAuth()],
)
install_exception_handlers(api)

api.add_router("/cases", cases.router)
api.add_router("/", reference.router)
api.add_router("/", accounts.router)
api.add_router("/", screening.router)
api.add_router("/", appointments.router)
api.add_router("/messages", messages.router)
api.add_router("/oversight", oversight.router)
api.add_router("/", charging.router)
api.add_router("/", analytics.router)
api.add_router("/", dispositions.router)
api.add_router("/", sealing.router)
api.add_router("/", records_requests.router)
api.add_router("/", search.router)
api.add_router("/", transparency.router)
