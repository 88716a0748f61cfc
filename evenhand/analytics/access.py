"""Who may read the analytics store's releases, manifests and rejects through the staff API."""

from __future__ import annotations

from evenhand.accounts.models import Role, User

# The office's own staff who work with the figures: prosecutors, the records office, oversight
# and the administrators who run imports. A court-appointed special prosecutor is outside the
# office and investigators do not work with the statistics, so neither is listed.
RELEASE_READERS = frozenset(
    {
        Role.STATES_ATTORNEY,
        Role.FIRST_ASSISTANT,
        Role.ASSISTANT_STATES_ATTORNEY,
        Role.RECORDS_OFFICER,
        Role.ETHICS_OFFICER,
        Role.INSPECTOR_GENERAL,
        Role.AUDITOR,
        Role.ADMINISTRATOR,
    }
)


def may_read_releases(user: User) -> bool:
    return user.is_active and user.role in RELEASE_READERS
