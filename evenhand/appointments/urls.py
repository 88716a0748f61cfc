from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("petitions/", views.petition_list_view, name="petition-list"),
    path("petitions/<int:petition_id>/", views.petition_detail_view, name="petition-detail"),
    path(
        "petitions/<int:petition_id>/document/",
        views.petition_download_view,
        name="petition-document",
    ),
]
