"""Pages for public-records requests: the public form, tracking and library (no login), and
the records officer's desk, request page, review of each record, letters and packages.

One submodule per part of the work: `public` (no login), `desk` (the officer's lists and staff
entry), `request_page` (a request, its search for records, and the form handling every action
on it shares), `periods` (class, extension, agreed period, status), `review` (sealed cases,
adding records, the record page and its redactions), `release` (the response, publication,
letters, packages, the redaction log) and `appeals`; `common` holds the access check, the
request lookup and downloads. urls.py names the views through this package.
"""

from .appeals import appeal_close_view, appeal_view
from .desk import desk_view, staff_entry_view
from .periods import agree_view, classify_view, extend_view, status_view
from .public import library_package_view, library_view, public_form_view, track_view
from .release import (
    letter_pdf_view,
    letter_view,
    package_view,
    publish_view,
    redaction_log_view,
    respond_view,
)

# A copy of the constant for readers: request_view reads SEARCH_PAGE_SIZE from request_page,
# so a test that changes the page size patches it there.
from .request_page import MESSAGE_KINDS, SEARCH_PAGE_SIZE, Action, request_view
from .review import (
    add_record_view,
    decide_record_view,
    decide_redaction_view,
    manual_redaction_view,
    record_view,
    sealed_case_view,
)

__all__ = [
    "MESSAGE_KINDS",
    "SEARCH_PAGE_SIZE",
    "Action",
    "add_record_view",
    "agree_view",
    "appeal_close_view",
    "appeal_view",
    "classify_view",
    "decide_record_view",
    "decide_redaction_view",
    "desk_view",
    "extend_view",
    "letter_pdf_view",
    "letter_view",
    "library_package_view",
    "library_view",
    "manual_redaction_view",
    "package_view",
    "public_form_view",
    "publish_view",
    "record_view",
    "redaction_log_view",
    "request_view",
    "respond_view",
    "sealed_case_view",
    "staff_entry_view",
    "status_view",
    "track_view",
]
