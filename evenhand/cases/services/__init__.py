"""Every write to cases, people, participants, contacts, charges and events.

Conventions (see docs/architecture.md): keyword-only arguments and a required `actor`; the
policy is checked first, outside the transaction, so a refusal is logged even though nothing is
written; then one atomic block validates, saves and writes the audit entry.

The services live by subject in the modules of this package; import them from here.
"""

from .assignments import case_assign, case_assign_by_order, case_unassign
from .charges import CHARGEABLE_ROLES, MAX_COUNTS_PER_FILING, charge_amend, charges_file
from .common import snapshot
from .events import case_event_record
from .participants import participant_add, participant_role_change
from .people import contact_log, person_alias_add, person_create
from .records import case_open, case_update
from .relationships import relationship_add

__all__ = [
    "CHARGEABLE_ROLES",
    "MAX_COUNTS_PER_FILING",
    "case_assign",
    "case_assign_by_order",
    "case_event_record",
    "case_open",
    "case_unassign",
    "case_update",
    "charge_amend",
    "charges_file",
    "contact_log",
    "participant_add",
    "participant_role_change",
    "person_alias_add",
    "person_create",
    "relationship_add",
    "snapshot",
]
