from __future__ import annotations

from django.urls import path

from . import oversight, views

urlpatterns = [
    path("screens/", views.screen_list_view, name="screen-list"),
    path("screens/new/", views.screen_create_view, name="screen-create"),
    path("screens/<int:screen_id>/", views.screen_detail_view, name="screen-detail"),
    path(
        "screens/<int:screen_id>/acknowledge/",
        views.screen_acknowledge_view,
        name="screen-acknowledge",
    ),
    path("screens/<int:screen_id>/lift/", views.screen_lift_view, name="screen-lift"),
    path("conflicts/", views.conflict_list_view, name="conflict-list"),
    path("conflicts/<int:flag_id>/resolve/", views.conflict_resolve_view, name="conflict-resolve"),
    path("oversight/", oversight.dashboard, name="oversight"),
    path("oversight/audit/", oversight.audit_log, name="oversight-audit"),
    path("oversight/access/", oversight.access_report_view, name="oversight-access"),
]
