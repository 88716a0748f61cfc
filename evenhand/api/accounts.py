"""The caller's own account and API tokens."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from evenhand.accounts.models import ApiToken, User
from evenhand.accounts.services import api_token_create, api_token_revoke
from evenhand.screening.policies import may_open_cases

from .auth import authenticated_by_token, current_user
from .errors import UNAUTHENTICATED, WRITE_ERRORS, ErrorOut
from .fields import DbId, RecordDatetime, Storable
from .schemas import InputSchema

router = Router(tags=["account"])

SESSION_REQUIRED = (
    "API tokens can be created only from a signed-in browser session, not with another token."
)


class MeOut(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    full_name: str
    email: str
    title: str
    # A string rather than the enum: an account made with createsuperuser may have no role.
    role: str = Field(description="A role code such as 'asa'; empty if none was set.")
    role_label: str
    is_external: bool
    may_open_cases: bool


class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="Identifies the token; the secret starts evh_<prefix>_.")
    created_at: dt.datetime
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None


class TokenCreatedOut(TokenOut):
    secret: str = Field(description="Shown only in this response; it is stored hashed.")


class TokenCreateIn(InputSchema):
    name: Annotated[str, Field(min_length=1, max_length=100), Storable]
    expires_at: RecordDatetime | None = Field(None, description="Never expires when omitted.")


def _token_out(token: ApiToken) -> TokenOut:
    return TokenOut(
        id=token.pk,
        name=token.name,
        prefix=token.prefix,
        created_at=token.created_at,
        expires_at=token.expires_at,
        revoked_at=token.revoked_at,
    )


def _me_out(user: User) -> MeOut:
    return MeOut(
        id=user.pk,
        username=user.username,
        first_name=user.first_name,
        last_name=user.last_name,
        full_name=user.get_full_name(),
        email=user.email,
        title=user.title,
        role=user.role,
        role_label=user.role_label,
        is_external=user.is_external,
        may_open_cases=may_open_cases(user),
    )


@router.get("/me", response={200: MeOut, **UNAUTHENTICATED})
def me(request: HttpRequest) -> MeOut:
    return _me_out(current_user(request))


@router.get("/tokens", response={200: list[TokenOut], **UNAUTHENTICATED})
def list_tokens(request: HttpRequest) -> list[TokenOut]:
    """Your tokens, newest first, without their secrets."""
    return [_token_out(token) for token in current_user(request).api_tokens.all()]


@router.post("/tokens", response={201: TokenCreatedOut, **WRITE_ERRORS})
def create_token(request: HttpRequest, payload: TokenCreateIn) -> Status[TokenCreatedOut]:
    """Issue a token for scripts. Copy the secret now: it is never shown again."""
    if authenticated_by_token(request):
        # A leaked token must not be able to mint successors that outlive its revocation.
        raise HttpError(403, SESSION_REQUIRED)
    issued = api_token_create(
        actor=current_user(request), name=payload.name, expires_at=payload.expires_at
    )
    return Status(
        201, TokenCreatedOut(**_token_out(issued.token).model_dump(), secret=issued.secret)
    )


@router.delete(
    "/tokens/{token_id}",
    response={204: None, 404: ErrorOut, **WRITE_ERRORS},
)
def revoke_token(request: HttpRequest, token_id: DbId) -> Status[None]:
    """Revoke one of your tokens. Revoking an already revoked token changes nothing."""
    user = current_user(request)
    # Scoped to the caller, so someone else's token id reads as not found rather than exists.
    token = user.api_tokens.filter(pk=token_id).first()
    if token is None:
        raise HttpError(404, "Token not found.")
    api_token_revoke(actor=user, token=token)
    return Status(204, None)
