from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import views

urlpatterns: list[URLPattern | URLResolver] = [
    # Public, no login.
    path("public-records/request/", views.public_form_view, name="records-public-form"),
    path("public-records/track/<str:token>/", views.track_view, name="records-track"),
    path("public-records/library/", views.library_view, name="records-library"),
    path(
        "public-records/library/<int:request_id>/package.zip",
        views.library_package_view,
        name="records-library-package",
    ),
    # The records officer's desk.
    path("records/", views.desk_view, name="records-desk"),
    path("records/new/", views.staff_entry_view, name="records-new"),
    path("records/<int:request_id>/", views.request_view, name="records-request"),
    path("records/<int:request_id>/classify/", views.classify_view, name="records-classify"),
    path("records/<int:request_id>/extend/", views.extend_view, name="records-extend"),
    path("records/<int:request_id>/agree/", views.agree_view, name="records-agree"),
    path("records/<int:request_id>/status/", views.status_view, name="records-status"),
    path("records/<int:request_id>/sealed/", views.sealed_case_view, name="records-sealed"),
    path("records/<int:request_id>/add/", views.add_record_view, name="records-add"),
    path("records/<int:request_id>/respond/", views.respond_view, name="records-respond"),
    path("records/<int:request_id>/publish/", views.publish_view, name="records-publish"),
    path("records/<int:request_id>/appeal/", views.appeal_view, name="records-appeal"),
    path(
        "records/<int:request_id>/appeal/<int:appeal_id>/close/",
        views.appeal_close_view,
        name="records-appeal-close",
    ),
    path("records/<int:request_id>/letter/", views.letter_view, name="records-letter"),
    path("records/<int:request_id>/letter.pdf", views.letter_pdf_view, name="records-letter-pdf"),
    path("records/<int:request_id>/package.zip", views.package_view, name="records-package"),
    path(
        "records/<int:request_id>/redaction-log.csv",
        views.redaction_log_view,
        name="records-redaction-log",
    ),
    path(
        "records/<int:request_id>/records/<int:record_id>/",
        views.record_view,
        name="records-record",
    ),
    path(
        "records/<int:request_id>/records/<int:record_id>/decide/",
        views.decide_record_view,
        name="records-record-decide",
    ),
    path(
        "records/<int:request_id>/records/<int:record_id>/redactions/<int:redaction_id>/",
        views.decide_redaction_view,
        name="records-redaction-decide",
    ),
    path(
        "records/<int:request_id>/records/<int:record_id>/redactions/new/",
        views.manual_redaction_view,
        name="records-redaction-new",
    ),
]
