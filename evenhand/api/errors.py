"""Every failure the API can report, as JSON with a declared schema.

Handlers turn the exceptions services and policies raise into 4xx responses. Anything not
handled here is a bug and is left to surface as a 500 rather than be disguised.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError

from evenhand.cases.locking import VersionConflictError
from evenhand.screening.policies import CaseNotFoundError

# The one body for "no such case" and "not yours to see"; keeping it a constant is what makes
# the two responses byte-identical.
CASE_NOT_FOUND = "Case not found."


class ErrorOut(Schema):
    detail: str


class FieldErrorOut(Schema):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorOut(Schema):
    """422: `loc` is where the problem is ("body"/"query"/"path" then the field for malformed
    input; just the field, or nothing, for a rule a service refused)."""

    detail: list[FieldErrorOut]


# Response declarations, merged into each operation's `response=` so the OpenAPI document
# lists every status the endpoint can actually return.
UNAUTHENTICATED: dict[int, Any] = {401: ErrorOut}
READ_ERRORS: dict[int, Any] = {401: ErrorOut, 422: ValidationErrorOut}
CASE_READ_ERRORS: dict[int, Any] = {**READ_ERRORS, 404: ErrorOut}
# 400: unparsable JSON; 403: missing CSRF token on a session, or a role that may not act.
WRITE_ERRORS: dict[int, Any] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    422: ValidationErrorOut,
}
CASE_WRITE_ERRORS: dict[int, Any] = {**WRITE_ERRORS, 404: ErrorOut}
# For updates that name the version they read (`VersionConflictError`, handled below).
CONFLICT: dict[int, Any] = {409: ErrorOut}


# The name every operation gives its JSON body parameter. ninja puts it in `loc` after "body";
# it is an implementation detail, so it is dropped: ["body", "title"], not ["body", "payload", …].
BODY_PARAMETER = "payload"


def _location(raw: Any) -> list[str | int]:
    loc = [part if isinstance(part, int) else str(part) for part in raw]
    if loc[:2] == ["body", BODY_PARAMETER]:
        del loc[1]
    return loc


def _field_errors_from_ninja(exc: NinjaValidationError) -> list[dict[str, Any]]:
    # Only loc/msg/type: pydantic's "input" would echo the rejected value (possibly a secret or
    # megabytes of text) and its "ctx" may hold objects that are not JSON.
    return [
        {
            "loc": _location(error.get("loc", ())),
            "msg": str(error.get("msg", "Invalid value.")),
            "type": str(error.get("type", "value_error")),
        }
        for error in exc.errors
    ]


def _field_errors_from_django(exc: DjangoValidationError) -> list[dict[str, Any]]:
    if hasattr(exc, "error_dict"):
        return [
            {
                "loc": [] if field == NON_FIELD_ERRORS else [field],
                "msg": message,
                "type": "invalid",
            }
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    return [{"loc": [], "msg": message, "type": "invalid"} for message in exc.messages]


def install_exception_handlers(api: NinjaAPI) -> None:
    """Register the handlers on `api`, replacing ninja's defaults for the same exceptions."""

    @api.exception_handler(NinjaValidationError)
    def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        return api.create_response(request, {"detail": _field_errors_from_ninja(exc)}, status=422)

    @api.exception_handler(DjangoValidationError)
    def service_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        return api.create_response(request, {"detail": _field_errors_from_django(exc)}, status=422)

    @api.exception_handler(PermissionDenied)
    def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        message = str(exc) or "You may not do this."
        return api.create_response(request, {"detail": message}, status=403)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        # Deliberately ignores the exception's own text: only the constant may leave.
        message = CASE_NOT_FOUND if isinstance(exc, CaseNotFoundError) else "Not found."
        return api.create_response(request, {"detail": message}, status=404)

    @api.exception_handler(VersionConflictError)
    def version_conflict(request: HttpRequest, exc: VersionConflictError) -> HttpResponse:
        # A lost update: someone else saved first; nothing of this request was saved.
        return api.create_response(request, {"detail": str(exc)}, status=409)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return api.create_response(request, {"detail": exc.message}, status=exc.status_code)
