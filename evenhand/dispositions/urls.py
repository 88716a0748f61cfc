from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import correction_views, views

urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "cases/<int:case_id>/dispositions/",
        views.case_dispositions_view,
        name="case-dispositions",
    ),
    path(
        "cases/<int:case_id>/dispositions/record/",
        views.disposition_record_view,
        name="disposition-record",
    ),
    path(
        "cases/<int:case_id>/dispositions/<int:disposition_id>/correct/",
        correction_views.disposition_correct_view,
        name="disposition-correct",
    ),
    path(
        "cases/<int:case_id>/dispositions/enrol/",
        views.enrolment_create_view,
        name="enrolment-create",
    ),
    path(
        "cases/<int:case_id>/dispositions/charges/",
        views.checked_charge_view,
        name="charges-file-checked",
    ),
    path(
        "cases/<int:case_id>/dispositions/same-conduct/",
        views.same_conduct_view,
        name="same-conduct-link",
    ),
    path("enrolments/<int:enrolment_id>/", views.enrolment_detail_view, name="enrolment-detail"),
    path("enrolments/<int:enrolment_id>/terms/", views.term_add_view, name="term-add"),
    path("enrolments/<int:enrolment_id>/log/", views.term_entry_view, name="term-entry"),
    path(
        "enrolments/<int:enrolment_id>/terms/<int:term_id>/due-date/",
        correction_views.term_move_view,
        name="term-move",
    ),
    path(
        "enrolments/<int:enrolment_id>/terms/<int:term_id>/waive/",
        correction_views.term_waive_view,
        name="term-waive",
    ),
    path(
        "enrolments/<int:enrolment_id>/complete/",
        views.enrolment_complete_view,
        name="enrolment-complete",
    ),
    path("enrolments/<int:enrolment_id>/end/", views.enrolment_end_view, name="enrolment-end"),
    path("terms/overdue/", views.overdue_view, name="terms-overdue"),
    path("terms/due-soon/", views.due_soon_view, name="terms-due-soon"),
]
