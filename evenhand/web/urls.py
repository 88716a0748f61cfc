from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("cases/", views.case_list_view, name="case-list"),
    path("cases/<int:case_id>/", views.case_detail_view, name="case-detail"),
    path("cases/<int:case_id>/audit/", views.case_audit_view, name="case-audit"),
    path("healthz", views.healthz, name="healthz"),
]
