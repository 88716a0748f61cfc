from __future__ import annotations

from django.urls import include, path

from evenhand.api.api import api

# A database outage answers 503 with Retry-After (HTML or JSON), not a 500.
handler500 = "evenhand.operations.errors.server_error"

urlpatterns = [
    path("api/", api.urls),
    path("", include("evenhand.accounts.urls")),
    path("", include("evenhand.web.urls")),
    path("", include("evenhand.screening.urls")),
    path("", include("evenhand.appointments.urls")),
    path("", include("evenhand.comms.urls")),
    path("", include("evenhand.charging.urls")),
    path("", include("evenhand.dispositions.urls")),
    path("", include("evenhand.sealing.urls")),
    path("", include("evenhand.records_requests.urls")),
    path("", include("evenhand.search.urls")),
    path("", include("evenhand.analytics.urls")),
    path("", include("evenhand.transparency.urls")),
]
