from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "evenhand.accounts"
    label = "accounts"
