from __future__ import annotations

from django.urls import path

from . import case_actions, views

urlpatterns = [
    path("", views.home, name="home"),
    path("cases/", views.case_list_view, name="case-list"),
    path("cases/<int:case_id>/", views.case_detail_view, name="case-detail"),
    path("cases/<int:case_id>/audit/", views.case_audit_view, name="case-audit"),
    path("cases/<int:case_id>/edit/", case_actions.case_edit_view, name="case-edit"),
    path("cases/<int:case_id>/contacts/", case_actions.contact_log_view, name="case-contact"),
    path("cases/<int:case_id>/roles/", case_actions.role_change_view, name="case-role"),
    path("cases/<int:case_id>/team/", case_actions.team_add_view, name="case-team"),
    path(
        "cases/<int:case_id>/participants/add/",
        case_actions.participant_add_view,
        name="case-participant-add",
    ),
    path(
        "cases/<int:case_id>/relationships/",
        case_actions.relationship_view,
        name="case-relationships",
    ),
    path("cases/<int:case_id>/events/add/", case_actions.event_record_view, name="case-event"),
    path(
        "cases/<int:case_id>/conflict-check/",
        case_actions.conflict_check_view,
        name="case-conflict-check",
    ),
    path("healthz", views.healthz, name="healthz"),
]
