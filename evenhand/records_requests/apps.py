from __future__ import annotations

from django.apps import AppConfig


class RecordsRequestsConfig(AppConfig):
    name = "evenhand.records_requests"
    label = "records_requests"
