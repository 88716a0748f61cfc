"""Dispositions per charge, programme enrolments with eligibility, structured terms and their
completion log, the overdue and due-soon lists, and charging with the re-prosecution bar.

Thin: every read goes through `evenhand.dispositions.selectors` (cases through the access
policy), every write through `evenhand.dispositions.services`. A stale `version` and a barred
filing without an override reason answer 409 and save nothing.

Every operation is registered on the one `router` (mounted by `evenhand.api.api`) when its
module is imported, so the import order below is the order of the operations in the OpenAPI
document and the docs page: it is kept as it was when the API was one module.
"""

from .routing import router
from .schemas import (
    Amount,
    BarFindingOut,
    BarWarningOut,
    CaseDispositionsOut,
    ChargeRowOut,
    CheckedChargesIn,
    CompletionIn,
    DispositionChangeIn,
    DispositionIn,
    DispositionOut,
    DueSoonQuery,
    EligibilityOut,
    EligibilityQuery,
    EndIn,
    EnrolmentDetailOut,
    EnrolmentIn,
    EnrolmentOut,
    FiledChargesOut,
    ProgrammeOut,
    Reason,
    RequiredReason,
    RuleOut,
    SameConductIn,
    ShortText,
    TermChangeIn,
    TermEntryIn,
    TermEntryOut,
    TermIn,
    TermListItemOut,
    TermListOut,
    TermOut,
    Text,
    disposition_out,
    eligibility_out,
    enrolment_out,
    term_out,
)

# isort: off
from .dispositions import case_dispositions, change_disposition, record_disposition
from .programmes import (
    add_term,
    change_term,
    complete_enrolment,
    create_enrolment,
    end_enrolment,
    evaluate_eligibility,
    get_enrolment,
    list_programmes,
    log_term_entry,
)
from .worklists import list_due_soon_terms, list_overdue_terms
from .bar import file_checked_charges, link_same_conduct

# isort: on

__all__ = [
    "Amount",
    "BarFindingOut",
    "BarWarningOut",
    "CaseDispositionsOut",
    "ChargeRowOut",
    "CheckedChargesIn",
    "CompletionIn",
    "DispositionChangeIn",
    "DispositionIn",
    "DispositionOut",
    "DueSoonQuery",
    "EligibilityOut",
    "EligibilityQuery",
    "EndIn",
    "EnrolmentDetailOut",
    "EnrolmentIn",
    "EnrolmentOut",
    "FiledChargesOut",
    "ProgrammeOut",
    "Reason",
    "RequiredReason",
    "RuleOut",
    "SameConductIn",
    "ShortText",
    "TermChangeIn",
    "TermEntryIn",
    "TermEntryOut",
    "TermIn",
    "TermListItemOut",
    "TermListOut",
    "TermOut",
    "Text",
    "add_term",
    "case_dispositions",
    "change_disposition",
    "change_term",
    "complete_enrolment",
    "create_enrolment",
    "disposition_out",
    "eligibility_out",
    "end_enrolment",
    "enrolment_out",
    "evaluate_eligibility",
    "file_checked_charges",
    "get_enrolment",
    "link_same_conduct",
    "list_due_soon_terms",
    "list_overdue_terms",
    "list_programmes",
    "log_term_entry",
    "record_disposition",
    "router",
    "term_out",
]
