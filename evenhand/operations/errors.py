"""Server-error responses: a database outage is a 503 the client may retry, not a 500 bug.

Django turns an exception raised anywhere below the outermost middleware (the session
middleware's database read included) into a response by calling `handler500` inside the
`except` block, so the exception is still in `sys.exc_info()` here. The template is rendered
without a request or context processors: none of them may touch the database that is down.
After an outage Django discards the broken connection at the end of the request
(`CONN_HEALTH_CHECKS` and `close_if_unusable_or_obsolete`), so the next request reconnects
without restarting the application.
"""

from __future__ import annotations

import sys

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

# Seconds a client should wait before retrying while the database is unreachable.
RETRY_AFTER_SECONDS = 5
UNAVAILABLE_DETAIL = "The service is temporarily unavailable (database unreachable). Retry shortly."


def database_unreachable(exc: BaseException | None) -> bool:
    """True for the errors a lost or refused database connection raises, not for bad SQL."""
    if isinstance(exc, OperationalError | InterfaceError):
        return True
    # psycopg reports a dropped connection mid-query as a plain DatabaseError subclass whose
    # connection is closed; Django marks the wrapper unusable, which is what matters here.
    return isinstance(exc, DatabaseError) and "connection" in str(exc).lower()


def server_error(request: HttpRequest) -> HttpResponse:
    exc = sys.exc_info()[1]
    wants_json = request.path.startswith("/api/")
    if database_unreachable(exc):
        if wants_json:
            response: HttpResponse = JsonResponse({"detail": UNAVAILABLE_DETAIL}, status=503)
        else:
            response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    if wants_json:
        return JsonResponse({"detail": "Server error. It has been logged."}, status=500)
    return HttpResponse(render_to_string("500.html"), status=500)
