"""The release package: redacted copies (text and PDF), the redaction log and the letter.

Built on demand from the kept originals and the recorded decisions; the originals are read,
never written. The public-library variant leaves out the letter (it names the requester).
"""

from __future__ import annotations

import csv
import io
import zipfile

from evenhand.comms.export import spreadsheet_safe
from evenhand.redaction.apply import redact_text, render_text_pdf

from .letters import letter_pdf
from .models import RecordsRequest, ReviewedRecord
from .selectors import accepted_redactions, released_records

LOG_COLUMNS = (
    "record",
    "record_title",
    "start",
    "end",
    "kind",
    "exemption",
    "citation",
    "decision",
    "decided_by",
    "decided_at",
)
# Zip entries get a fixed timestamp so the same decisions give the same bytes.
ZIP_TIME = (2000, 1, 1, 0, 0, 0)


def redacted_copy(record: ReviewedRecord) -> str:
    return redact_text(record.original_text, accepted_redactions(record))


def redaction_log_csv(records: list[ReviewedRecord]) -> str:
    from .rules import public_records_rules  # noqa: PLC0415  (keeps this module import-light)

    rules = public_records_rules()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(LOG_COLUMNS)
    for record in records:
        for redaction in record.redactions.all():
            row = [
                f"{record.kind}-{record.object_id}",
                record.title,
                str(redaction.start),
                str(redaction.end),
                redaction.kind,
                redaction.exemption,
                rules.exemption(redaction.exemption).citation,
                redaction.decision,
                str(redaction.decided_by or ""),
                redaction.decided_at.isoformat() if redaction.decided_at else "",
            ]
            writer.writerow([spreadsheet_safe(value) for value in row])
    return out.getvalue()


def _add(archive: zipfile.ZipFile, name: str, data: bytes | str) -> None:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)


def release_package(request: RecordsRequest, *, include_letter: bool = True) -> bytes:
    records = released_records(request)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for number, record in enumerate(records, start=1):
            stem = f"records/{number:03d}-{record.kind}-{record.object_id}"
            copy = redacted_copy(record)
            _add(archive, f"{stem}.txt", copy)
            _add(archive, f"{stem}.pdf", render_text_pdf([copy], title=record.title))
        _add(archive, "redaction-log.csv", redaction_log_csv(records))
        letter = getattr(request, "letter", None)
        if include_letter and letter is not None:
            _add(archive, "letter.html", letter.html)
            _add(
                archive,
                "letter.pdf",
                letter_pdf(letter.text, title=f"Response to {request.number}"),
            )
    return buffer.getvalue()
