"""Pieces shared by the screening, appointments, messages and oversight endpoints.

A case appears in their answers only as a reference (id and number), and only to someone the
policy lets see it; the helpers here look staff up by username and make download headers safe.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.http import content_disposition_header
from ninja import Schema
from ninja.errors import HttpError
from pydantic import Field

from evenhand.accounts.models import User
from evenhand.cases.models import Case
from evenhand.screening.policies import OVERSIGHT

from .auth import current_user
from .fields import Storable

# Django's username field is at most 150 characters.
Username = Annotated[str, Field(min_length=1, max_length=150), Storable]

OVERSIGHT_ONLY = (
    "Only the inspector general, the auditors and the ethics officer may use this endpoint."
)

# Control characters (a newline above all) would break, or be refused in, a response header.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


class CaseRefOut(Schema):
    id: int
    number: str


def case_ref(case: Case) -> CaseRefOut:
    return CaseRefOut(id=case.pk, number=case.number)


def users_named(usernames: Sequence[str], *, field: str) -> list[User]:
    """The accounts with these usernames, in the order given; a 422 at `field` names any
    username that matches no account."""
    wanted = list(dict.fromkeys(name.strip() for name in usernames))
    found = {user.username: user for user in User.objects.filter(username__in=wanted)}
    unknown = [name for name in wanted if name not in found]
    if unknown:
        raise ValidationError({field: f"Unknown username(s): {', '.join(unknown)}."})
    return [found[name] for name in wanted]


def user_named(username: str, *, field: str) -> User:
    return users_named([username], field=field)[0]


def is_oversight(user: User) -> bool:
    return user.role in OVERSIGHT


def oversight_caller(request: HttpRequest) -> User:
    """The caller, who must hold an oversight role (inspector general, auditor, ethics)."""
    user = current_user(request)
    if not is_oversight(user):
        raise HttpError(403, OVERSIGHT_ONLY)
    return user


def attachment_disposition(filename: str, fallback: str = "download") -> str:
    """A Content-Disposition header that always downloads and never breaks the header."""
    cleaned = _CONTROL_CHARACTERS.sub("_", filename).strip() or fallback
    return content_disposition_header(as_attachment=True, filename=cleaned) or "attachment"
