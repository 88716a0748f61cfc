"""Redaction detection throughput (MB/s), against Microsoft Presidio's pattern recognizers on
the same text in the same run.

    .venv/bin/python -m bench.redaction_speed [--megabytes 4]

The text is the labelled set (`evenhand/redaction/labelled/messages.jsonl`), repeated until it
reaches the size asked for; each document is scanned on its own with its known people, as the
records workspace does. Presidio is not a dependency of evenhand; for the comparison install it
into the venv first:

    .venv/bin/pip install presidio-analyzer

Its recognizers run without the spaCy NLP engine (pattern recognizers need none): SSN, phone,
e-mail, credit card, US driver's licence and US bank number. Also printed: recall of both on
the labelled set for the types both cover, so the speed comparison is read next to what each
finds.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable, Sequence
from typing import Any

from bench.common import format_table, load_line, machine_line

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "evenhand.config.settings.test")

PRESIDIO_TYPES = {
    "US_SSN": "ssn",
    "PHONE_NUMBER": "phone",
    "EMAIL_ADDRESS": "email",
    "CREDIT_CARD": "financial",
    "US_BANK_NUMBER": "financial",
    "US_DRIVER_LICENSE": "drivers_licence",
}
INSTALL_HINT = "Presidio is not installed: .venv/bin/pip install presidio-analyzer"


def presidio_scanner() -> Callable[[str], list[tuple[int, int, str]]] | None:
    try:
        from presidio_analyzer.predefined_recognizers import (  # noqa: PLC0415
            CreditCardRecognizer,
            EmailRecognizer,
            PhoneRecognizer,
            UsBankRecognizer,
            UsLicenseRecognizer,
            UsSsnRecognizer,
        )
    except ImportError:
        return None
    recognizers: list[Any] = [
        UsSsnRecognizer(),
        PhoneRecognizer(),
        EmailRecognizer(),
        CreditCardRecognizer(),
        UsLicenseRecognizer(),
        UsBankRecognizer(),
    ]

    def scan(text: str) -> list[tuple[int, int, str]]:
        return [
            (result.start, result.end, PRESIDIO_TYPES[result.entity_type])
            for recognizer in recognizers
            for result in recognizer.analyze(text, recognizer.supported_entities, None)
        ]

    return scan


def _spans(document: dict[str, object]) -> list[dict[str, Any]]:
    spans = document["spans"]
    assert isinstance(spans, list)
    return spans


def _covered(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    position = start
    for span_start, span_end in sorted(spans):
        if span_start <= position < span_end:
            position = span_end
    return position >= end


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=4.0)
    args = parser.parse_args(argv)

    import django  # noqa: PLC0415

    django.setup()
    from evenhand.redaction.detect import detect, ruleset_rules  # noqa: PLC0415
    from evenhand.redaction.evaluate import known_people, load  # noqa: PLC0415

    print(machine_line())
    print(load_line())
    rules = ruleset_rules()
    documents = [(str(d["text"]), known_people(d), _spans(d)) for d in load()]
    corpus: list[tuple[str, Any]] = []
    size = 0
    while size < args.megabytes * 1_000_000:
        for text, people, _labelled in documents:
            corpus.append((text, people))
            size += len(text.encode())
    megabytes = size / 1_000_000

    started = time.perf_counter()
    for text, people in corpus:
        detect(text, known_people=people, rules=rules)
    ours = time.perf_counter() - started
    rows: list[Sequence[object]] = [
        [
            "evenhand detect (10 types + names)",
            f"{megabytes:.1f}",
            f"{ours:.2f}",
            f"{megabytes / ours:.3f}",
        ]
    ]
    presidio = presidio_scanner()
    if presidio is None:
        print(INSTALL_HINT)
    else:
        started = time.perf_counter()
        for text, _people in corpus:
            presidio(text)
        theirs = time.perf_counter() - started
        rows.append(
            [
                "Presidio pattern recognizers (6 types)",
                f"{megabytes:.1f}",
                f"{theirs:.2f}",
                f"{megabytes / theirs:.4f}",
            ]
        )
    print(format_table(["detector", "MB", "seconds", "MB/s"], rows))

    kinds = ("ssn", "phone", "email", "financial", "drivers_licence")
    labelled = dict.fromkeys(kinds, 0)
    found = {"evenhand": dict.fromkeys(kinds, 0), "presidio": dict.fromkeys(kinds, 0)}
    for text, people, spans in documents:
        ours_found = [
            (f.start, f.end, f.kind.value) for f in detect(text, known_people=people, rules=rules)
        ]
        theirs_found = presidio(text) if presidio else []
        for span in spans:
            kind = str(span["type"])
            if kind not in labelled:
                continue
            labelled[kind] += 1
            for name, results in (("evenhand", ours_found), ("presidio", theirs_found)):
                same = [(s, e) for s, e, k in results if k == kind]
                if _covered(int(span["start"]), int(span["end"]), same):
                    found[name][kind] += 1
    recall_rows: list[Sequence[object]] = [
        [
            kind,
            labelled[kind],
            f"{found['evenhand'][kind] / labelled[kind]:.3f}",
            f"{found['presidio'][kind] / labelled[kind]:.3f}" if presidio else "not installed",
        ]
        for kind in kinds
    ]
    print(format_table(["type", "labelled", "evenhand recall", "Presidio recall"], recall_rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
