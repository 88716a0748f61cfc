"""Forms for case work, each on its own page (the case page stays light) and each calling the
audited services: title and summary, contacts, roles, the team and the conflict check
(`case_work`); participants, relationships and events (`intake`). A GET shows the form; a
valid POST calls the service and returns to the case page; an invalid or refused one shows the
form again with the input kept."""

from __future__ import annotations

from .case_work import (
    case_edit_view,
    conflict_check_view,
    contact_log_view,
    role_change_view,
    team_add_view,
)
from .intake import event_record_view, participant_add_view, relationship_view

__all__ = [
    "case_edit_view",
    "conflict_check_view",
    "contact_log_view",
    "event_record_view",
    "participant_add_view",
    "relationship_view",
    "role_change_view",
    "team_add_view",
]
