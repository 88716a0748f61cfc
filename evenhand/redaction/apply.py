"""Released copies made from originals: redacted text, and PDFs rendered from redacted text.

Pure Python (no Django). The original is never modified: each function returns a new value.
A released PDF is *rendered* from the redacted text of each page (fpdf2), not produced by
drawing boxes over the original, so no hidden text layer, metadata or incremental-update
history of the original can survive into the copy.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Protocol

from fpdf import FPDF
from pypdf import PdfReader

FONT_PATH = Path(__file__).resolve().parent / "fonts" / "DejaVuSansMono.ttf"
REDACTED = "REDACTED"


class RedactionSpan(Protocol):
    """Anything with a character range and the exemption code that justifies it."""

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...

    @property
    def exemption(self) -> str: ...


class InvalidSpanError(ValueError):
    """A span lies outside the text or is empty."""


def _label(exemption: str) -> str:
    return f"[{REDACTED} {exemption}]" if exemption else f"[{REDACTED}]"


def merged_spans(text: str, spans: Iterable[RedactionSpan]) -> list[tuple[int, int, str]]:
    """Spans checked against the text, sorted, overlapping ones joined (their codes listed)."""
    ordered: list[tuple[int, int, str]] = []
    for span in spans:
        if not 0 <= span.start < span.end <= len(text):
            msg = f"span {span.start}-{span.end} is outside a text of {len(text)} characters"
            raise InvalidSpanError(msg)
        ordered.append((span.start, span.end, span.exemption))
    ordered.sort()
    merged: list[tuple[int, int, str]] = []
    for start, end, exemption in ordered:
        if merged and start < merged[-1][1]:
            last_start, last_end, last_codes = merged[-1]
            codes = last_codes.split(", ") if last_codes else []
            if exemption and exemption not in codes:
                codes.append(exemption)
            merged[-1] = (last_start, max(last_end, end), ", ".join(codes))
        else:
            merged.append((start, end, exemption))
    return merged


def redact_text(text: str, spans: Iterable[RedactionSpan]) -> str:
    """`text` with every span replaced by a "[REDACTED <exemption>]" marker."""
    parts: list[str] = []
    cursor = 0
    for start, end, exemption in merged_spans(text, spans):
        parts.append(text[cursor:start])
        parts.append(_label(exemption))
        cursor = end
    parts.append(text[cursor:])
    return "".join(parts)


def pdf_page_texts(original: bytes) -> list[str]:
    """The text of each page, as the redaction functions index it (one string per page)."""
    reader = PdfReader(io.BytesIO(original))
    return [page.extract_text() or "" for page in reader.pages]


def render_text_pdf(pages: Sequence[str], *, title: str = "") -> bytes:
    """A plain PDF with one page (or more, if long) per text, in an embedded Unicode font."""
    pdf = FPDF(format="Letter")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_font("released", fname=str(FONT_PATH))
    pdf.set_title(title)
    pdf.set_creator("evenhand")
    for text in pages or [""]:
        pdf.add_page()
        pdf.set_font("released", size=10)
        # Control characters other than newlines are not printable and may confuse readers.
        printable = "".join(c if c == "\n" or c >= " " else " " for c in text)
        pdf.multi_cell(w=0, h=5, text=printable, align="L", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def redact_pdf(
    original: bytes,
    spans_per_page: Sequence[Iterable[RedactionSpan]],
    *,
    title: str = "",
) -> bytes:
    """A released PDF rendered from each page's redacted text.

    `spans_per_page[i]` indexes the text `pdf_page_texts(original)[i]`; pages without an entry
    are released with no redaction. More entries than pages is an error.
    """
    texts = pdf_page_texts(original)
    if len(spans_per_page) > len(texts):
        msg = f"{len(spans_per_page)} pages of redactions for a PDF of {len(texts)} pages"
        raise InvalidSpanError(msg)
    redacted = [
        redact_text(text, spans_per_page[number] if number < len(spans_per_page) else ())
        for number, text in enumerate(texts)
    ]
    return render_text_pdf(redacted, title=title)
