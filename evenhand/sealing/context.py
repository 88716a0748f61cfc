"""The reasons the current request's user has stated for opening sealed cases.

Set per request by `evenhand.sealing.middleware.AccessReasonMiddleware` (from the session, where
a reason given on the form stays valid for a short, configurable time, and from an API client's
`X-Access-Reason` header); read by the access policy when it logs a read of a sealed case.
Outside a request (commands, tests) there are none, so a sealed case's content is never read
without a stated reason.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

MAX_REASON_LENGTH = 500
MIN_REASON_LENGTH = 10


@dataclass(frozen=True)
class AccessReasons:
    # From a request header: applies to whatever sealed case this one request opens.
    for_request: str = ""
    # From the session: case id -> the reason given for it, only those still valid.
    by_case: Mapping[int, str] = field(default_factory=dict)


_current: ContextVar[AccessReasons | None] = ContextVar(
    "evenhand_sealed_access_reasons", default=None
)


def clean_reason(raw: str) -> str:
    """A reason as it is stored: one line, control characters out, at most the maximum length;
    empty when it is too short to say anything."""
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in raw).split())
    return text[:MAX_REASON_LENGTH] if len(text) >= MIN_REASON_LENGTH else ""


def access_reason_for(case_id: int) -> str:
    reasons = _current.get()
    if reasons is None:
        return ""
    return reasons.by_case.get(case_id, "") or reasons.for_request


@contextmanager
def access_reasons(reasons: AccessReasons) -> Iterator[None]:
    token = _current.set(reasons)
    try:
        yield
    finally:
        _current.reset(token)
