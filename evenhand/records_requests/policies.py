"""Who may work on public-records requests.

Requests are not case content: who may read a record found for one is still decided by the
case access policy (see sources.py). These rules say who may run the records desk.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from evenhand.accounts.models import Role, User
from evenhand.screening.policies import OVERSIGHT

HANDLERS = frozenset({Role.RECORDS_OFFICER})
READERS = HANDLERS | OVERSIGHT


class NotRecordsOfficerError(PermissionDenied):
    def __init__(self) -> None:
        super().__init__("Only the records officer may do this.")


def may_handle_requests(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role in HANDLERS


def may_read_requests(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role in READERS


def require_handler(user: User) -> None:
    if not may_handle_requests(user):
        raise NotRecordsOfficerError
