"""Access reasons for sealed cases, carried from the session or a header into the policy.

A reason given on the form is kept in the session for that case for
`settings.EVENHAND_SEALED_REASON_MINUTES` (then asked for again). An API client states it per
request in the `X-Access-Reason` header. A page that opens a sealed case without a reason is
sent to the reason form and comes back afterwards; the API answers 403 saying what to send.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from evenhand.screening.policies import SealedCaseReasonRequiredError

from .context import AccessReasons, access_reasons, clean_reason

SESSION_KEY = "evenhand_sealed_access_reasons"
REASON_HEADER = "X-Access-Reason"


def reason_lifetime() -> dt.timedelta:
    return dt.timedelta(minutes=int(getattr(settings, "EVENHAND_SEALED_REASON_MINUTES", 15)))


def remember_reason(session: SessionBase, case_id: int, reason: str) -> None:
    stored = dict(session.get(SESSION_KEY, {}))
    expires = timezone.now() + reason_lifetime()
    stored[str(case_id)] = [reason, expires.isoformat()]
    session[SESSION_KEY] = stored


def _session_reasons(session: SessionBase | None) -> dict[int, str]:
    if session is None:
        return {}
    now = timezone.now()
    valid: dict[int, str] = {}
    for key, value in dict(session.get(SESSION_KEY, {})).items():
        try:
            reason, expires = value
            if dt.datetime.fromisoformat(expires) > now:
                valid[int(key)] = str(reason)
        except (TypeError, ValueError):
            continue
    return valid


class AccessReasonMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        reasons = AccessReasons(
            for_request=clean_reason(request.headers.get(REASON_HEADER, "")),
            by_case=_session_reasons(getattr(request, "session", None)),
        )
        with access_reasons(reasons):
            return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, SealedCaseReasonRequiredError):
            return None
        target = reverse("sealing-reason", args=[exception.case_id])
        following = request.get_full_path() if request.method == "GET" else ""
        query = urlencode({"next": following}) if following else ""
        return HttpResponseRedirect(f"{target}?{query}" if query else target)
