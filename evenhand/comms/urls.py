from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("messages/", views.inbox_view, name="message-inbox"),
    path("messages/new/", views.compose_view, name="message-compose"),
    path("messages/thread/<int:thread_id>/", views.thread_view, name="message-thread"),
    path("messages/search/", views.search_view, name="message-search"),
    path("messages/export/", views.export_view, name="message-export"),
    path(
        "messages/attachments/<int:attachment_id>/",
        views.attachment_view,
        name="message-attachment",
    ),
    path("messages/held/", views.held_view, name="held-messages"),
    path("messages/<int:message_id>/review/", views.review_view, name="message-review"),
]
