"""Database sessions that report an outage as an outage.

Django's database session store turns any database error while saving an existing session
into `UpdateError`, which the session middleware answers with 400 "session deleted". When the
database is unreachable that is wrong: the client should retry, so the connection error itself
is raised again and answered as a 503 by `evenhand.operations.errors.server_error`.
"""

from __future__ import annotations

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError

from .errors import database_unreachable


class SessionStore(db.SessionStore):
    def save(self, must_create: bool = False) -> None:
        try:
            super().save(must_create=must_create)
        except UpdateError as exc:
            cause = exc.__context__
            if cause is not None and database_unreachable(cause):
                raise cause from exc
            raise
