from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("transparency/", views.dashboard_view, name="transparency"),
    path(
        "transparency/<slug:key>.csv",
        views.metric_csv_view,
        name="transparency-csv",
    ),
]
