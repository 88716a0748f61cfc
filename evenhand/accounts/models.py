from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    STATES_ATTORNEY = "states_attorney", "State's Attorney (head of office)"
    FIRST_ASSISTANT = "first_assistant", "First Assistant State's Attorney"
    ASSISTANT_STATES_ATTORNEY = "asa", "Assistant State's Attorney"
    INVESTIGATOR = "investigator", "Investigator"
    RECORDS_OFFICER = "records_officer", "Records (FOIA) officer"
    ETHICS_OFFICER = "ethics_officer", "Ethics officer"
    INSPECTOR_GENERAL = "inspector_general", "Inspector general"
    SPECIAL_PROSECUTOR = "special_prosecutor", "Special prosecutor (court-appointed, external)"
    AUDITOR = "auditor", "Auditor"
    ADMINISTRATOR = "administrator", "System administrator"


# Roles held by people outside the office's chain of command.
EXTERNAL_ROLES = frozenset({Role.SPECIAL_PROSECUTOR})


class User(AbstractUser):
    role = models.CharField(max_length=32, choices=Role.choices)
    title = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_external(self) -> bool:
        return self.role in EXTERNAL_ROLES

    @property
    def role_label(self) -> str:
        return Role(self.role).label if self.role in Role.values else self.role


class ApiToken(models.Model):
    """A per-user token for scripts. Only a SHA-256 of the secret is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, unique=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
