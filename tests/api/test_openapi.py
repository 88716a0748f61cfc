"""The published OpenAPI document, and the API fuzzed against it with schemathesis.

The fuzz run covers every operation with generated (valid and invalid) input, authenticated
with a real token, and fails on any 5xx or any response the document does not describe.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from evenhand.accounts.models import User
from evenhand.config.wsgi import application

from .factories import add_person, file_counts, make_case, make_token, make_user

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def test_openapi_document_is_served() -> None:
    response = Client().get("/api/openapi.json")

    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert {"/api/cases", "/api/cases/{case_id}", "/api/tokens/{token_id}"} <= set(
        document["paths"]
    )
    schemes = document["components"]["securitySchemes"]
    assert {scheme["type"] for scheme in schemes.values()} == {"http", "apiKey"}


def test_docs_page_is_served() -> None:
    response = Client().get("/api/docs")

    assert response.status_code == 200
    assert b"openapi.json" in response.content


def test_docs_page_works_under_the_content_security_policy() -> None:
    response = Client().get("/api/docs")
    html = response.content.decode()

    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "https://" not in html
    assert "<script>" not in html


def test_every_operation_documents_its_errors() -> None:
    document = Client().get("/api/openapi.json").json()

    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            statuses = set(operation["responses"])
            assert "401" in statuses, (method, path)
            if "{" in path or operation.get("parameters") or "requestBody" in operation:
                assert "422" in statuses, (method, path)
            if method in {"post", "delete"}:
                assert {"400", "403"} <= statuses, (method, path)


@pytest.fixture
def connection_kept_across_requests() -> Iterator[None]:
    """Stop Django closing the database connection at the end of each WSGI request.

    Django's test client does the same. Without it, on PostgreSQL the first request would
    close the connection holding the test's transaction (SQLite's in-memory test database
    ignores the close, which hides the problem).
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def fuzzing_user() -> User:
    # Gives the small ids hypothesis tries early real rows to hit (on a fresh test database).
    asa = make_user()
    case = make_case(asa)
    file_counts(asa, add_person(asa, case), counts=2)
    return asa


# Loaded at collection through the WSGI app, i.e. the document a client would download. (The
# lazy `schemathesis.pytest.from_fixture` loader is not used: with pytest 9 it fails on the
# removed `Function._nodeid`.) Serving the document touches no database.
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    # The user and the database transaction are meant to span all examples of an operation.
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_api_conforms_to_its_schema(
    case: schemathesis.Case[Any], fuzzing_user: User, connection_kept_across_requests: None
) -> None:
    # A token per call: a generated DELETE /api/tokens/{id} may revoke the previous one.
    headers = {"Authorization": f"Bearer {make_token(fuzzing_user)}"}
    case.call_and_validate(headers=headers, checks=CHECKS)
