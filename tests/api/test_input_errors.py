"""Bad input of every kind is a 4xx with a JSON explanation, never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from evenhand.accounts.models import User
from evenhand.audit.models import AuditEntry
from evenhand.cases.models import Participant

from .factories import add_person, make_case, make_user, token_client

pytestmark = pytest.mark.django_db

BEYOND_64_BITS = "9" * 30
BIGINT_MAX = 2**63 - 1


@pytest.fixture
def asa() -> User:
    return make_user()


@pytest.fixture
def defendant(asa: User) -> Participant:
    return add_person(asa, make_case(asa))


def _post_raw(client: Client, path: str, raw: bytes | str) -> Any:
    return client.generic("POST", path, raw, content_type="application/json")


def _charge(participant: Participant, **changes: object) -> dict[str, object]:
    return {
        "participant_id": participant.pk,
        "statute_key": "720-5/12-3",
        "counts": 1,
        "filed_on": "2024-04-03",
        **changes,
    }


def _assert_422_at(response: Any, loc: list[object]) -> str:
    assert response.status_code == 422, response.content
    errors = response.json()["detail"]
    assert [error["loc"] for error in errors] == [loc]
    return str(errors[0]["msg"])


@pytest.mark.parametrize(
    ("changes", "loc", "message"),
    [
        ({"counts": 0}, ["body", "counts"], "greater than or equal to 1"),
        ({"counts": 10000}, ["body", "counts"], "less than or equal to 999"),
        ({"counts": True}, ["body", "counts"], "valid integer"),
        ({"counts": "2"}, ["body", "counts"], "valid integer"),
        ({"statute_key": "720-5/99-99"}, ["statute_key"], "Unknown statute"),
        ({"statute_key": ""}, ["body", "statute_key"], "at least 1 character"),
        ({"participant_id": 2**64}, ["body", "participant_id"], "less than or equal"),
        ({"participant_id": BIGINT_MAX}, ["participant"], "No such participant"),
        ({"filed_on": "2024-02-30"}, ["body", "filed_on"], "valid date"),
        ({"filed_on": "0001-01-01"}, ["body", "filed_on"], "between 1900-01-01"),
        ({"unexpected": 1}, ["body", "unexpected"], "Extra inputs"),
    ],
)
def test_bad_charge_filings(
    asa: User, defendant: Participant, changes: dict[str, object], loc: list[object], message: str
) -> None:
    response = token_client(asa).post(
        f"/api/cases/{defendant.case_id}/charges",
        _charge(defendant, **changes),
        content_type="application/json",
    )

    assert message in _assert_422_at(response, loc)
    assert not defendant.charges.exists()


@pytest.mark.parametrize(
    "path",
    [
        f"/api/cases/{BEYOND_64_BITS}",
        f"/api/cases/{BEYOND_64_BITS}/audit",
        f"/api/tokens/{BEYOND_64_BITS}",
        "/api/cases/0",
        "/api/cases/-5",
        "/api/cases/abc",
        "/api/cases/%00",
    ],
)
def test_bad_path_ids_are_422(asa: User, path: str) -> None:
    client = token_client(asa)
    method = client.delete if path.startswith("/api/tokens") else client.get

    response = method(path)

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][0] == "path"


def test_largest_bigint_id_is_simply_not_found(asa: User) -> None:
    response = token_client(asa).get(f"/api/cases/{BIGINT_MAX}")

    assert response.status_code == 404
    assert response.json() == {"detail": "Case not found."}


def test_huge_nested_ids_in_write_paths_are_422(asa: User, defendant: Participant) -> None:
    client = token_client(asa)
    base = f"/api/cases/{defendant.case_id}"

    role = client.post(
        f"{base}/participants/{BEYOND_64_BITS}/role",
        {"role": "witness", "reason": "r"},
        content_type="application/json",
    )
    amend = client.post(
        f"{base}/charges/{BEYOND_64_BITS}/amend",
        {"statute_key": "720-5/12-3", "reason": "r"},
        content_type="application/json",
    )

    _assert_422_at(role, ["path", "participant_id"])
    _assert_422_at(amend, ["path", "charge_id"])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "People v. \x00Doe", "received_on": "2024-01-01"}, "title"),
        ({"title": "People v. Doe", "received_on": "2024-01-01", "summary": "a\x00"}, "summary"),
        ({"title": "People v. Doe", "received_on": "2024-01-01", "number": "\x00"}, "number"),
    ],
)
def test_nul_characters_in_text_are_422(asa: User, body: dict[str, str], field: str) -> None:
    response = token_client(asa).post("/api/cases", body, content_type="application/json")

    assert "NUL" in _assert_422_at(response, ["body", field])


def test_nul_in_nested_alias_is_422(asa: User) -> None:
    case = make_case(asa)

    response = token_client(asa).post(
        f"/api/cases/{case.pk}/participants",
        {"first_name": "A", "last_name": "B", "role": "witness", "aliases": ["ok", "b\x00d"]},
        content_type="application/json",
    )

    _assert_422_at(response, ["body", "aliases", 1])


@pytest.mark.parametrize("param", ["q", "offense_class", "statute_key"])
def test_nul_in_query_parameters_is_422(asa: User, param: str) -> None:
    response = token_client(asa).get("/api/cases", {param: "a\x00"})

    _assert_422_at(response, ["query", param])


def test_lone_surrogate_is_422(asa: User) -> None:
    response = _post_raw(
        token_client(asa), "/api/cases", '{"title": "x\\ud800", "received_on": "2024-01-01"}'
    )

    assert "unicode" in _assert_422_at(response, ["body", "title"]).lower()


@pytest.mark.parametrize(
    ("field", "value"),
    [("title", "x" * 201), ("number", "9" * 33), ("summary", "s" * 20_001)],
)
def test_text_longer_than_the_model_field_is_422(asa: User, field: str, value: str) -> None:
    body = {"title": "People v. Doe", "received_on": "2024-01-01", field: value}

    response = token_client(asa).post("/api/cases", body, content_type="application/json")

    assert "at most" in _assert_422_at(response, ["body", field])


@pytest.mark.parametrize(
    "raw",
    [b"{not json", b'{"title": ', b"\xff\xfe{}", b'{"counts": ' + b"9" * 5000 + b"}"],
    ids=["syntax", "truncated", "not-utf8", "too-many-digits"],
)
def test_malformed_json_is_400(asa: User, raw: bytes) -> None:
    response = _post_raw(token_client(asa), "/api/cases", raw)

    assert response.status_code == 400
    assert response.json() == {"detail": "Cannot parse request body"}


@pytest.mark.parametrize("raw", [b"[]", b'"a string"', b"null", b"42", b""])
def test_body_that_is_not_an_object_is_422(asa: User, raw: bytes) -> None:
    response = _post_raw(token_client(asa), "/api/cases", raw)

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body"]


@pytest.mark.parametrize(
    ("occurred_at", "message"),
    [
        ("2024-04-02T09:30:00", "timezone"),
        ("0001-01-01T00:00:00+05:00", "between 1900-01-01"),
        ("9999-12-31T23:59:59-05:00", "between 1900-01-01"),
        ("yesterday", "valid datetime"),
    ],
)
def test_event_times_must_be_aware_and_plausible(asa: User, occurred_at: str, message: str) -> None:
    case = make_case(asa)

    response = token_client(asa).post(
        f"/api/cases/{case.pk}/events",
        {"kind": "note", "occurred_at": occurred_at, "summary": "x"},
        content_type="application/json",
    )

    assert message in _assert_422_at(response, ["body", "occurred_at"])


@pytest.mark.parametrize(
    ("path", "body", "loc"),
    [
        ("participants", {"first_name": "A", "last_name": "B", "role": "boss"}, "role"),
        (
            "events",
            {"kind": "party", "occurred_at": "2024-04-02T09:30:00Z", "summary": "x"},
            "kind",
        ),
    ],
)
def test_bad_enum_values_are_422(asa: User, path: str, body: dict[str, str], loc: str) -> None:
    case = make_case(asa)

    response = token_client(asa).post(
        f"/api/cases/{case.pk}/{path}", body, content_type="application/json"
    )

    assert "Input should be" in _assert_422_at(response, ["body", loc])


def test_rejected_input_writes_nothing(asa: User, defendant: Participant) -> None:
    client = token_client(asa)
    before = AuditEntry.objects.count()

    client.post(
        f"/api/cases/{defendant.case_id}/charges",
        _charge(defendant, counts=10_000),
        content_type="application/json",
    )
    _post_raw(client, "/api/cases", b"{oops")

    assert AuditEntry.objects.count() == before
