"""The whole API fuzzed as several roles: no 5xx, every response as documented, and no content
of a case the caller may not see in any response.

Three walled cases carry unique markers in their titles, participants' names and messages:
one the caller is screened from, one sealed (the caller has no standing), and, for the special
prosecutor, one outside the appointment. Whatever schemathesis sends, no response body may
contain a marker of a case that caller may not see.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from evenhand.accounts.models import Role, User
from evenhand.cases.models import Case
from evenhand.config.wsgi import application
from evenhand.screening.models import ScreenKind
from evenhand.screening.services import screen_raise
from tests.factories import appoint
from tests.sealing.factories import seal

from .factories import add_person, file_counts, make_case, make_token, make_user

pytestmark = pytest.mark.django_db

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
ROLES = (Role.ASSISTANT_STATES_ATTORNEY, Role.RECORDS_OFFICER, Role.SPECIAL_PROSECUTOR)


@dataclass(frozen=True)
class World:
    caller: User
    forbidden_markers: tuple[str, ...]


def _walled_case(actor: User, marker: str) -> Case:
    case = make_case(actor, title=f"People v. {marker}")
    file_counts(actor, add_person(actor, case, last_name=marker), counts=2)
    return case


def _world(role: Role) -> World:
    head = make_user(Role.FIRST_ASSISTANT)
    caller = make_user(role)
    # A case the caller may see, so the small ids hypothesis tries early hit real rows.
    visible = make_case(head, title="People v. Visible")
    file_counts(head, add_person(head, visible, last_name="Openrecord"), counts=2)
    screened_marker = f"Screenedx{uuid.uuid4().hex[:8]}"
    sealed_marker = f"Sealedx{uuid.uuid4().hex[:8]}"
    screened = _walled_case(head, screened_marker)
    sealed = _walled_case(head, sealed_marker)
    markers = [sealed_marker]
    if role == Role.SPECIAL_PROSECUTOR:
        appoint(visible, caller)
        # Outside the appointment, both are out of reach anyway; the screen is not needed.
        markers.append(screened_marker)
    else:
        screen_raise(
            actor=head,
            kind=ScreenKind.EXCLUSIONARY,
            users=[caller],
            case_ids=[screened.pk],
            reason="Former defence counsel of a participant.",
            memo="You are screened from this case.",
        )
        markers.append(screened_marker)
    seal(sealed, actor=head)
    if role == Role.ASSISTANT_STATES_ATTORNEY:
        # Prosecutors keep access to sealed cases (20 ILCS 2630/13(b)), behind a stated
        # reason: only the screened case is forbidden to them.
        markers.remove(sealed_marker)
    return World(caller=caller, forbidden_markers=tuple(markers))


@pytest.fixture
def connection_kept_across_requests() -> Iterator[None]:
    """As in test_openapi.py: keep the test's transaction across WSGI requests."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture(params=ROLES, ids=str)
def world(request: pytest.FixtureRequest) -> World:
    return _world(request.param)


schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)


@schema.parametrize()
@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_no_role_sees_walled_content_in_any_response(
    case: schemathesis.Case[Any], world: World, connection_kept_across_requests: None
) -> None:
    headers = {"Authorization": f"Bearer {make_token(world.caller)}"}
    response = case.call(headers=headers)
    case.validate_response(response, checks=CHECKS)
    body = response.text
    leaked = [marker for marker in world.forbidden_markers if marker in body]
    assert not leaked, f"{case.method} {case.formatted_path} leaked {leaked}: {body[:500]}"
