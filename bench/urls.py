"""The project's URLconf plus the benchmark's own views (only in benchmark runs)."""

from __future__ import annotations

from django.urls import include, path

from bench import views

urlpatterns = [
    path("bench/trivial/", views.trivial, name="bench-trivial"),
    path("bench/standin/cases/", views.standin_case_list, name="bench-standin-case-list"),
    path(
        "bench/standin/cases/<int:case_id>/",
        views.standin_case_detail,
        name="bench-standin-case-detail",
    ),
    path("", include("evenhand.config.urls")),
]
