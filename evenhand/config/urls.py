from __future__ import annotations

from django.urls import include, path

from evenhand.api.api import api

urlpatterns = [
    path("api/", api.urls),
    path("", include("evenhand.accounts.urls")),
    path("", include("evenhand.web.urls")),
    path("", include("evenhand.screening.urls")),
    path("", include("evenhand.appointments.urls")),
    path("", include("evenhand.comms.urls")),
]
