"""Released copies come from the originals and keep nothing of what was redacted."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evenhand.redaction.apply import (
    InvalidSpanError,
    pdf_page_texts,
    redact_pdf,
    redact_text,
    render_text_pdf,
)
from evenhand.redaction.detect import KnownPerson, detect


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    exemption: str = "7(1)(b)"


def test_redact_text_replaces_each_span_with_its_exemption() -> None:
    text = "Call 312-555-0142 about Jordan Vale."
    spans = [Span(5, 17), Span(24, 35, "7(1)(c)")]
    assert redact_text(text, spans) == "Call [REDACTED 7(1)(b)] about [REDACTED 7(1)(c)]."


def test_overlapping_spans_merge_and_list_both_codes() -> None:
    assert redact_text("abcdefgh", [Span(1, 4), Span(3, 6, "7(1)(c)")]) == (
        "a[REDACTED 7(1)(b), 7(1)(c)]gh"
    )


@pytest.mark.parametrize("span", [Span(-1, 2), Span(3, 3), Span(2, 99), Span(5, 2)])
def test_spans_outside_the_text_are_refused(span: Span) -> None:
    with pytest.raises(InvalidSpanError):
        redact_text("short text", [span])


@settings(max_examples=150, deadline=None)
@given(st.text(min_size=1, max_size=80), st.data())
def test_text_outside_the_spans_is_kept_in_order(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    released = redact_text(text, [Span(start, end)])
    assert released == text[:start] + "[REDACTED 7(1)(b)]" + text[end:]


def test_redacted_pdf_is_rendered_from_text_and_keeps_no_original() -> None:
    people = [KnownPerson("Jordan Vale")]
    original = render_text_pdf(
        ["Report: Jordan Vale, phone 312-555-0142, e-mail jvale@example.com.", "Page two: Zoë."]
    )
    pages = pdf_page_texts(original)
    released = redact_pdf(original, [detect(page, known_people=people) for page in pages])
    released_text = "\n".join(pdf_page_texts(released))
    for secret in ("Jordan", "Vale", "555-0142", "jvale@example.com"):
        assert secret not in released_text
        assert secret.encode() not in released
    assert "[REDACTED 7(1)(b)]" in released_text
    assert "[REDACTED 7(1)(c)]" in released_text
    assert "Zoë" in released_text
    assert pdf_page_texts(original) == pages  # the original is untouched


def test_more_redaction_pages_than_pdf_pages_is_an_error() -> None:
    with pytest.raises(InvalidSpanError):
        redact_pdf(render_text_pdf(["one page"]), [[], []])
