from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("cases/<int:case_id>/sealing/", views.case_sealing_view, name="sealing-case"),
    path("cases/<int:case_id>/sealing/seal/", views.sealing_record_view, name="sealing-record"),
    path(
        "cases/<int:case_id>/sealing/unseal/",
        views.unsealing_record_view,
        name="sealing-unseal",
    ),
    path("cases/<int:case_id>/sealing/grants/", views.access_grant_view, name="sealing-grant"),
    path(
        "cases/<int:case_id>/sealing/grants/<int:grant_id>/revoke/",
        views.access_grant_revoke_view,
        name="sealing-grant-revoke",
    ),
    path("cases/<int:case_id>/sealing/reason/", views.access_reason_view, name="sealing-reason"),
    path(
        "cases/<int:case_id>/sealing/<str:kind>/<int:order_id>/document/",
        views.order_document_view,
        name="sealing-document",
    ),
    path(
        "oversight/sealed-cases/<int:case_id>/access-log/",
        views.access_log_view,
        name="sealing-access-log",
    ),
]
