"""Who is calling: a per-user API token (scripts) or the browser's Django session.

Tokens are tried first. A request that sends an `Authorization` header is judged on that header
alone: a bad token is a 401 even if a session cookie rides along, so a script never silently
acts as whoever last used the browser. Sessions must pass Django's CSRF check on unsafe methods.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from evenhand.accounts.models import User
from evenhand.accounts.services import user_for_api_token

REJECTED_CREDENTIALS = "Invalid, expired or revoked API token."
WRONG_SCHEME = "Send the token as 'Authorization: Bearer evh_…'."
CSRF_FAILED = "CSRF check failed: send the value of the csrftoken cookie in the X-CSRFToken header."


class ApiTokenAuth(HttpBearer):
    def __call__(self, request: HttpRequest) -> User | None:
        header = request.headers.get(self.header)
        if header is None:
            return None
        scheme, _, secret = header.strip().partition(" ")
        if scheme.lower() != self.openapi_scheme or not secret.strip():
            raise AuthenticationError(message=WRONG_SCHEME)
        user = self.authenticate(request, secret.strip())
        if user is None:
            raise AuthenticationError(message=REJECTED_CREDENTIALS)
        return user

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        return user_for_api_token(token)


class BrowserSessionAuth(SessionAuth):
    def __call__(self, request: HttpRequest) -> User | None:
        user = request.user
        if not isinstance(user, User) or not user.is_authenticated:
            # Checked before CSRF so an anonymous POST is told 401, not a misleading 403.
            return None
        self._get_key(request)
        return user

    def _get_key(self, request: HttpRequest) -> str | None:
        if check_csrf(request) is not None:
            raise HttpError(403, CSRF_FAILED)
        return request.COOKIES.get(self.param_name)


def authenticated_by_token(request: HttpRequest) -> bool:
    # ApiTokenAuth either accepts the Authorization header or rejects the request, so by the time
    # an operation runs, the header's presence means the caller used a token.
    return request.headers.get("Authorization") is not None


def current_user(request: HttpRequest) -> User:
    """The authenticated caller (set by one of the auth classes above)."""
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        # Every operation declares auth, so reaching here means the API is misconfigured.
        msg = "operation ran without an authenticated user"
        raise TypeError(msg)
    return user
