"""What the records-request pages share: the check that the signed-in user may read records
requests at all, a request fetched for that user (or a 404), and a file download under a name
that is safe to put in a header."""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from evenhand.accounts.current import signed_in_user
from evenhand.accounts.models import User

from ..models import RecordsRequest
from ..policies import may_read_requests
from ..selectors import request_detail

__all__ = ["download", "reader", "request_or_404"]


_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


def download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    safe = _UNSAFE_FILENAME.sub("-", filename).strip("-") or "download"
    response["Content-Disposition"] = f'attachment; filename="{safe}"'
    return response


def reader(request: HttpRequest) -> User:
    user = signed_in_user(request)
    if not may_read_requests(user):
        raise PermissionDenied("Only the records office and oversight may see records requests.")
    return user


def request_or_404(user: User, request_id: int) -> RecordsRequest:
    found = request_detail(user=user, request_id=request_id)
    if found is None:
        raise Http404("Records request not found.")
    return found
