"""The public office-metrics page and its CSV downloads. No login; nothing from the case
database; every figure has been through small-cell suppression."""

from __future__ import annotations

import csv
import io

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_GET

from evenhand.analytics.metrics.compute import MetricFilters

from .charts import bar_chart
from .forms import MetricFilterForm
from .presentation import csv_rows, display_value
from .selectors import (
    CACHE_SECONDS,
    UnknownMetricError,
    available_releases,
    min_cell,
    published_dashboard,
    published_metric,
    release_filter_options,
)

BAD_REQUEST = 400


def _form(request: HttpRequest) -> MetricFilterForm:
    releases = available_releases()
    known = {option.release for option in releases}
    asked = request.GET.get("release", "")
    release = asked if asked in known else releases[0].release
    return MetricFilterForm(
        request.GET or None, releases=releases, options=release_filter_options(release)
    )


def _filters(form: MetricFilterForm) -> MetricFilters | None:
    if not form.is_bound:
        return MetricFilters(release=form.default_release)
    return form.filters() if form.is_valid() else None


def _cacheable(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Let browsers and proxies keep anonymous responses; a signed-in header stays private."""
    if request.user.is_authenticated:
        patch_cache_control(response, private=True, no_cache=True)
    else:
        patch_cache_control(response, public=True, max_age=CACHE_SECONDS // 2)
    patch_vary_headers(response, ["Cookie"])
    return response


@require_GET
def dashboard_view(request: HttpRequest) -> HttpResponse:
    if not available_releases():
        response = render(request, "transparency/dashboard.html", {"form": None, "cards": []})
        return _cacheable(request, response)
    form = _form(request)
    filters = _filters(form)
    cards = [
        {
            "result": result,
            "chart": bar_chart(result, chart_id=f"chart-{result.metric.key}")
            if result.applicable
            else "",
            "rows": [
                {"row": row, "display": display_value(result, row)}
                for row in (*result.rows, result.total)
            ],
        }
        for result in (published_dashboard(filters) if filters is not None else [])
    ]
    query = request.GET.copy()
    response = render(
        request,
        "transparency/dashboard.html",
        {
            "form": form,
            "cards": cards,
            "filters": filters,
            "querystring": query.urlencode(),
            "min_cell": min_cell(),
        },
        status=200 if filters is not None else BAD_REQUEST,
    )
    return _cacheable(request, response)


@require_GET
def metric_csv_view(request: HttpRequest, key: str) -> HttpResponse:
    if not available_releases():
        raise Http404("No data has been published yet.")
    form = _form(request)
    filters = _filters(form)
    if filters is None:
        errors = "; ".join(
            f"{field}: {' '.join(str(message) for message in messages)}"
            for field, messages in form.errors.items()
        )
        return HttpResponse(
            f"Invalid filters: {errors}", status=BAD_REQUEST, content_type="text/plain"
        )
    try:
        result = published_metric(key, filters)
    except UnknownMetricError:
        raise Http404("No such metric.") from None
    buffer = io.StringIO()
    csv.writer(buffer).writerows(csv_rows(result))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{key}-{filters.release}-{filters.group_by.value}.csv"'
    )
    return _cacheable(request, response)
