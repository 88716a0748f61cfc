"""The analytics store's releases for the office's staff: manifests and rejected rows.

What each open-data import (and the office's own export) put into the store: its files with
their content hashes, rows read and rejected, the layout detected and when it was imported;
and, page by page, the rows an import left out with file, line and reason. Read-only: imports
run from the command line.
"""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from evenhand.accounts.models import User
from evenhand.analytics import store
from evenhand.analytics.access import may_read_releases

from .auth import current_user
from .errors import ErrorOut, ValidationErrorOut
from .schemas import PageOut, PageQuery

router = Router(tags=["analytics"])

STAFF_ONLY = "Only the office's staff may read the analytics releases."
NO_SUCH_RELEASE = "No such release."
STAFF_READ_ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 422: ValidationErrorOut}
RELEASE_READ_ERRORS: dict[int, Any] = {**STAFF_READ_ERRORS, 404: ErrorOut}
ReleaseId = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$",
        description="A release id, e.g. 'chicagoda-2019', 'office' or 'ccsao-<hash>'.",
    ),
]


class ReleaseFileOut(Schema):
    name: str = Field(description="The file's name when it was imported.")
    sha256: str
    dataset: str
    layout: str = Field(description="'current' (bulk export) or 'api-2019'.")
    rows_read: int
    rows_rejected: int


class DatasetRowsOut(Schema):
    dataset: str
    rows: int = Field(description="Rows stored for this dataset in the release.")


class ReleaseOut(Schema):
    release: str
    source: str = Field(description="'opendata' (an import) or 'office' (the office's export).")
    imported_at: str = Field(description="When the release was committed (ISO 8601, UTC).")
    layout: str
    note: str
    rows_read: int
    rows_rejected: int
    datasets: list[DatasetRowsOut]
    files: list[ReleaseFileOut]


class ReleaseListOut(Schema):
    releases: list[ReleaseOut] = Field(description="Newest first.")


class RejectOut(Schema):
    file: str
    line: int = Field(description="Line in the file (the header is line 1).")
    reason: str


class RejectPageOut(PageOut):
    release: str
    rejects: list[RejectOut]


class ReleasePath(Schema):
    release: ReleaseId


def _staff(request: HttpRequest) -> User:
    user = current_user(request)
    if not may_read_releases(user):
        raise HttpError(403, STAFF_ONLY)
    return user


def _release_out(manifest: store.Manifest) -> ReleaseOut:
    return ReleaseOut(
        release=manifest.release,
        source=manifest.source,
        imported_at=manifest.imported_at,
        layout=manifest.layout,
        note=manifest.note,
        rows_read=manifest.rows_read,
        rows_rejected=manifest.rows_rejected,
        datasets=[
            DatasetRowsOut(dataset=name, rows=rows)
            for name, rows in sorted(manifest.datasets.items())
        ],
        files=[
            ReleaseFileOut(
                name=f.name,
                sha256=f.sha256,
                dataset=f.dataset,
                layout=f.layout,
                rows_read=f.rows_read,
                rows_rejected=f.rows_rejected,
            )
            for f in manifest.files
        ],
    )


def _manifest(release: str) -> store.Manifest:
    manifest = store.read_manifest(release)
    if manifest is None:
        raise HttpError(404, NO_SUCH_RELEASE)
    return manifest


@router.get("/analytics/releases", response={200: ReleaseListOut, **STAFF_READ_ERRORS})
def list_releases(request: HttpRequest) -> ReleaseListOut:
    """Every committed release of the analytics store with its manifest, newest first."""
    _staff(request)
    return ReleaseListOut(releases=[_release_out(m) for m in store.list_releases()])


@router.get("/analytics/releases/{release}", response={200: ReleaseOut, **RELEASE_READ_ERRORS})
def release_detail(request: HttpRequest, path: Path[ReleasePath]) -> ReleaseOut:
    """One release's manifest."""
    _staff(request)
    return _release_out(_manifest(path.release))


@router.get(
    "/analytics/releases/{release}/rejects",
    response={200: RejectPageOut, **RELEASE_READ_ERRORS},
)
def release_rejects(
    request: HttpRequest, path: Path[ReleasePath], page: Query[PageQuery]
) -> RejectPageOut:
    """The rows the release's import left out, with file, line and reason, a page at a time."""
    _staff(request)
    manifest = _manifest(path.release)
    found = store.read_rejects(manifest.release, offset=page.offset, limit=page.page_size)
    return RejectPageOut(
        release=manifest.release,
        total=found.total,
        page=page.page,
        page_size=page.page_size,
        rejects=[
            RejectOut(file=name, line=line, reason=reason) for name, line, reason in found.rows
        ],
    )
