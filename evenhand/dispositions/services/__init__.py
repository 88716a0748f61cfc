"""Every write to dispositions, programme enrolments, terms and their completion log.

Conventions (docs/architecture.md): keyword-only arguments and a required `actor`; the policy
is checked first (disposing needs the DISPOSE action, so a screened person, or office staff on
a case awaiting a special prosecutor, are refused and the refusal is logged); then one atomic
block validates, saves and writes the audit entry. Updates name the `version` they read and
lose with `VersionConflictError` when someone else changed the row first.
"""

from .bar import BarWarningError, charges_file_checked, same_conduct_link
from .common import VersionConflictError
from .dispositions import disposition_change, disposition_record
from .programmes import (
    enrolment_complete,
    enrolment_create,
    enrolment_end_unsuccessfully,
    term_add,
    term_change,
    term_entry_log,
)

__all__ = [
    "BarWarningError",
    "VersionConflictError",
    "charges_file_checked",
    "disposition_change",
    "disposition_record",
    "enrolment_complete",
    "enrolment_create",
    "enrolment_end_unsuccessfully",
    "same_conduct_link",
    "term_add",
    "term_change",
    "term_entry_log",
]
