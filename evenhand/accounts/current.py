from __future__ import annotations

from django.http import HttpRequest

from .models import User


def signed_in_user(request: HttpRequest) -> User:
    """The request's user, for views behind `login_required` (which has turned others away)."""
    if not isinstance(request.user, User):
        raise TypeError("a signed-in user was expected")
    return request.user
