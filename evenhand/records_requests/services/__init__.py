"""Every write for public-records requests: keyword-only, with an actor, atomic, audited.

The public's own acts have no signed-in actor (`actor=None`): a submission from the public form,
rate-limited and checked for spam instead (see `intake`), and a download from the public library.

The writes follow a request's steps, one submodule each: `intake` (the public form and staff
entry), `periods` (requester class, the extension, an agreed period, status), `review`
(searches, sealed cases withheld, records added and decided), `redaction`, `release` (the
response letter, package downloads, publication) and `appeals`; `common` holds what they
share. Callers import from this package, which names every public write and limit below.
"""

from .appeals import appeal_close, appeal_record
from .common import MAX_NOTE
from .intake import (
    EARLIEST_RECEIVED,
    MAX_DESCRIPTION,
    MAX_FILL_SECONDS,
    MAX_NAME,
    MIN_DESCRIPTION,
    MIN_FILL_SECONDS,
    RATE_REFUSAL,
    SPAM_REFUSAL,
    SUBMISSIONS_PER_HOUR,
    NewRequest,
    SubmissionRefusedError,
    client_digest,
    request_receive,
    request_submit_public,
)
from .periods import (
    SETTABLE_STATUSES,
    request_agree_extension,
    request_classify,
    request_extend,
    request_set_status,
)
from .redaction import redaction_decide, redaction_propose
from .release import RESPONSE_STATUS, package_download_record, request_publish, response_issue
from .review import (
    RecordSealedError,
    record_add,
    record_decide,
    request_search_record,
    request_withhold_sealed_case,
)

__all__ = [
    "EARLIEST_RECEIVED",
    "MAX_DESCRIPTION",
    "MAX_FILL_SECONDS",
    "MAX_NAME",
    "MAX_NOTE",
    "MIN_DESCRIPTION",
    "MIN_FILL_SECONDS",
    "RATE_REFUSAL",
    "RESPONSE_STATUS",
    "SETTABLE_STATUSES",
    "SPAM_REFUSAL",
    "SUBMISSIONS_PER_HOUR",
    "NewRequest",
    "RecordSealedError",
    "SubmissionRefusedError",
    "appeal_close",
    "appeal_record",
    "client_digest",
    "package_download_record",
    "record_add",
    "record_decide",
    "redaction_decide",
    "redaction_propose",
    "request_agree_extension",
    "request_classify",
    "request_extend",
    "request_publish",
    "request_receive",
    "request_search_record",
    "request_set_status",
    "request_submit_public",
    "request_withhold_sealed_case",
    "response_issue",
]
