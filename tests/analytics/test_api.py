"""The staff API over the store's releases: manifests and rejected rows, for staff only."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest
from django.test import Client

from evenhand.accounts.models import Role
from evenhand.analytics import importer, store
from evenhand.analytics.access import RELEASE_READERS
from tests.analytics.conftest import EXPORT_SAMPLE, EXTRACT_2019
from tests.api.factories import token_client
from tests.factories import make_user

pytestmark = pytest.mark.django_db

RELEASES = "/api/analytics/releases"


def _client(role: Role) -> Client:
    return token_client(make_user(role=role))


def _broken_intake(tmp_path: Path) -> Path:
    """The 2019 intake file with a bad date on line 3 and truncated rows on lines 6 and 8."""
    lines = (EXTRACT_2019 / "intake.csv").read_bytes().split(b"\n")
    lines[2] = lines[2].replace(b"2019-01-0", b"2019-13-4", 1)
    lines[5] = lines[5][:30]
    lines[7] = lines[7][:30]
    broken = tmp_path / "intake.csv"
    broken.write_bytes(b"\n".join(lines))
    return broken


def test_every_staff_role_lists_the_releases_with_their_manifests() -> None:
    imported = importer.import_files(sorted(EXPORT_SAMPLE.glob("*.csv")), release="portal-2026")
    store.write_release("intake", store.OFFICE_RELEASE, pa.table({"case_id": ["a", "b"]}))
    for role in sorted(RELEASE_READERS):
        response = _client(Role(role)).get(RELEASES)
        assert response.status_code == 200, (role, response.content)
        releases = {r["release"]: r for r in response.json()["releases"]}
        assert set(releases) == {"portal-2026", "office"}
    portal = releases["portal-2026"]
    assert portal["source"] == "opendata"
    assert portal["layout"] == "current"
    assert portal["imported_at"] == imported.manifest.imported_at
    assert portal["rows_read"] == 138
    assert portal["rows_rejected"] == 0
    assert {d["dataset"]: d["rows"] for d in portal["datasets"]} == {
        "dispositions": 45,
        "diversion": 2,
        "initiation": 42,
        "intake": 15,
        "sentencing": 34,
    }
    files = {f["name"]: f for f in portal["files"]}
    assert files["intake.csv"] == {
        "name": "intake.csv",
        "sha256": importer.sha256_of(EXPORT_SAMPLE / "intake.csv"),
        "dataset": "intake",
        "layout": "current",
        "rows_read": 15,
        "rows_rejected": 0,
    }
    office = releases["office"]
    assert (office["source"], office["files"], office["datasets"]) == (
        "office",
        [],
        [{"dataset": "intake", "rows": 2}],
    )


@pytest.mark.parametrize("role", [Role.SPECIAL_PROSECUTOR, Role.INVESTIGATOR])
def test_roles_outside_the_staff_list_are_refused_everywhere(role: Role) -> None:
    importer.import_files([EXPORT_SAMPLE / "diversion.csv"], release="portal-2026")
    client = _client(role)
    for path in (RELEASES, f"{RELEASES}/portal-2026", f"{RELEASES}/portal-2026/rejects"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "portal-2026" not in response.content.decode()


def test_an_anonymous_caller_is_told_to_authenticate() -> None:
    assert Client().get(RELEASES).status_code == 401
    assert Client().get(f"{RELEASES}/office/rejects").status_code == 401


def test_one_release_and_its_rejects_page_by_page(tmp_path: Path) -> None:
    imported = importer.import_files([_broken_intake(tmp_path)], release="damaged")
    client = _client(Role.RECORDS_OFFICER)
    detail = client.get(f"{RELEASES}/damaged").json()
    assert (detail["rows_read"], detail["rows_rejected"]) == (25310, 3)
    assert detail["files"][0]["sha256"] == imported.manifest.files[0].sha256
    first = client.get(f"{RELEASES}/damaged/rejects", {"page_size": 2}).json()
    assert (first["total"], first["page"], first["page_size"]) == (3, 1, 2)
    assert [(r["file"], r["line"]) for r in first["rejects"]] == [
        ("intake.csv", 3),
        ("intake.csv", 6),
    ]
    assert first["rejects"][0]["reason"].startswith("not a date in received_date")
    assert "wrong number of fields" in first["rejects"][1]["reason"]
    second = client.get(f"{RELEASES}/damaged/rejects", {"page_size": 2, "page": 2}).json()
    assert [r["line"] for r in second["rejects"]] == [8]
    beyond = client.get(f"{RELEASES}/damaged/rejects", {"page_size": 2, "page": 3}).json()
    assert (beyond["total"], beyond["rejects"]) == (3, [])


def test_a_release_without_rejects_has_an_empty_first_page() -> None:
    store.write_release("intake", store.OFFICE_RELEASE, pa.table({"case_id": ["a"]}))
    page = _client(Role.AUDITOR).get(f"{RELEASES}/office/rejects").json()
    assert (page["release"], page["total"], page["rejects"]) == ("office", 0, [])


@pytest.mark.parametrize(
    ("path", "status"),
    [
        (f"{RELEASES}/nowhere", 404),
        (f"{RELEASES}/nowhere/rejects", 404),
        (f"{RELEASES}/-starts-with-dash", 422),
        (f"{RELEASES}/{'x' * 65}", 422),
        (f"{RELEASES}/has%20space/rejects", 422),
        (f"{RELEASES}/office/rejects?page=0", 422),
        (f"{RELEASES}/office/rejects?page_size=1000", 422),
        (f"{RELEASES}/office/rejects?page=two", 422),
    ],
)
def test_bad_input_gets_a_clear_4xx(path: str, status: int) -> None:
    store.write_release("intake", store.OFFICE_RELEASE, pa.table({"case_id": ["a"]}))
    response = _client(Role.ADMINISTRATOR).get(path)
    assert response.status_code == status, response.content
    assert response.json()["detail"]
