from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("charging/", views.queue_view, name="charging-queue"),
    path("charging/referrals/new/", views.referral_view, name="charging-referral"),
    path("charging/cases/<int:case_id>/", views.case_view, name="charging-case"),
    path("charging/cases/<int:case_id>/review/", views.review_view, name="charging-review"),
    path("charging/cases/<int:case_id>/charge/", views.charge_view, name="charging-charge"),
    path("charging/cases/<int:case_id>/preview/", views.preview_view, name="charging-preview"),
    path("charging/cases/<int:case_id>/amend/", views.amend_view, name="charging-amend"),
    path("charging/decisions/<int:decision_id>/", views.decision_view, name="charging-decision"),
    path("charging/comparable/", views.comparable_view, name="charging-comparable"),
    path(
        "charging/history/<str:release>/<str:participant_id>/",
        views.history_row_view,
        name="charging-history-row",
    ),
]
