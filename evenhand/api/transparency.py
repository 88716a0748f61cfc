"""Public office metrics: no login, nothing from the case database, small cells withheld.

The same figures as the public page (`/transparency/`), from the same cache.
"""

from __future__ import annotations

from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from evenhand.analytics.metrics.compute import Dimension, MetricFilters, MetricResult
from evenhand.analytics.metrics.definitions import METRICS
from evenhand.transparency.selectors import (
    UnknownMetricError,
    UnknownReleaseError,
    available_releases,
    default_release,
    min_cell,
    published_metric,
)

from .errors import ErrorOut, ValidationErrorOut
from .fields import Storable

router = Router(tags=["transparency"])

# No login is needed, but a signed-in session still owing its second factor is answered 401
# by the middleware before any operation runs.
PUBLIC_ERRORS: dict[int, Any] = {401: ErrorOut}
PUBLIC_READ_ERRORS: dict[int, Any] = {**PUBLIC_ERRORS, 404: ErrorOut, 422: ValidationErrorOut}
FilterText = Annotated[str, Field(max_length=200), Storable]
Year = Annotated[int, Field(ge=1900, le=2100)]


class MetricDefinitionOut(Schema):
    key: str
    title: str
    definition: str
    kind: str
    unit: str
    period: str
    has_class: bool


class ReleaseOut(Schema):
    release: str
    source: str
    label: str


class ReleasesOut(Schema):
    releases: list[ReleaseOut]
    default: str | None
    min_cell: int


class MetricRowOut(Schema):
    group: str
    units: int | None = Field(description="How many were counted; null when withheld.")
    numerator: int | None = Field(description="For rates: how many met the definition.")
    value: float | None = Field(description="The share, count or median; null when withheld.")
    withheld: bool


class MetricResultOut(Schema):
    key: str
    title: str
    release: str
    grouped_by: str
    applicable: bool
    min_cell: int
    rows: list[MetricRowOut]
    total: MetricRowOut


class MetricQuery(Schema):
    release: FilterText = Field(default="", description="Release id; default: the office's.")
    offense_category: FilterText = ""
    offense_class: FilterText = ""
    race: FilterText = ""
    gender: FilterText = ""
    year_from: Year | None = None
    year_to: Year | None = None
    group_by: Dimension = Dimension.YEAR


@router.get(
    "/transparency/metrics", response={200: list[MetricDefinitionOut], **PUBLIC_ERRORS}, auth=None
)
def list_metrics(request: HttpRequest) -> list[MetricDefinitionOut]:
    return [
        MetricDefinitionOut(
            key=metric.key,
            title=metric.title,
            definition=metric.definition,
            kind=metric.kind.value,
            unit=metric.unit,
            period=metric.period_label,
            has_class=metric.has_class,
        )
        for metric in METRICS
    ]


@router.get("/transparency/releases", response={200: ReleasesOut, **PUBLIC_ERRORS}, auth=None)
def list_releases(request: HttpRequest) -> ReleasesOut:
    return ReleasesOut(
        releases=[
            ReleaseOut(release=option.release, source=option.source, label=option.label)
            for option in available_releases()
        ],
        default=default_release(),
        min_cell=min_cell(),
    )


def _out(result: MetricResult) -> MetricResultOut:
    def row(item: Any) -> MetricRowOut:
        return MetricRowOut(
            group=item.label,
            units=item.units,
            numerator=item.hits,
            value=item.value,
            withheld=item.suppressed,
        )

    return MetricResultOut(
        key=result.metric.key,
        title=result.metric.title,
        release=result.filters.release,
        grouped_by=result.filters.group_by.value,
        applicable=result.applicable,
        min_cell=result.threshold,
        rows=[row(item) for item in result.rows],
        total=row(result.total),
    )


@router.get(
    "/transparency/metrics/{key}",
    response={200: MetricResultOut, **PUBLIC_READ_ERRORS},
    auth=None,
)
def get_metric(request: HttpRequest, key: str, filters: Query[MetricQuery]) -> MetricResultOut:
    """One metric under the given filters, grouped by one dimension, with suppression."""
    if filters.year_from and filters.year_to and filters.year_from > filters.year_to:
        raise ValidationError({"year_to": "year_to must not be before year_from."})
    release = filters.release or default_release()
    if release is None:
        raise HttpError(404, "No data has been published yet.")
    try:
        result = published_metric(
            key,
            MetricFilters(
                release=release,
                offense_category=filters.offense_category,
                offense_class=filters.offense_class,
                race=filters.race,
                gender=filters.gender,
                year_from=filters.year_from,
                year_to=filters.year_to,
                group_by=filters.group_by,
            ),
        )
    except UnknownMetricError:
        raise HttpError(404, "No such metric.") from None
    except UnknownReleaseError:
        raise HttpError(404, "No such release.") from None
    return _out(result)
