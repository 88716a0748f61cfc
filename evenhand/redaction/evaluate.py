"""Precision and recall of the detector on the labelled set, per type.

A labelled span counts as found when spans the detector gave the same type cover every one of
its characters (a half-redacted phone number is a disclosure, so partial overlap is a miss).
A detected span counts as correct when it overlaps a labelled span of its type. Pure Python.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .detect import DetectionRules, Finding, KnownPerson, detect

LABELLED_SET = Path(__file__).resolve().parent / "labelled" / "messages.jsonl"


@dataclass
class TypeScore:
    labelled: int = 0
    found: int = 0
    detected: int = 0
    correct: int = 0
    misses: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.labelled if self.labelled else 1.0

    @property
    def precision(self) -> float:
        return self.correct / self.detected if self.detected else 1.0


def load(path: Path = LABELLED_SET) -> Iterator[dict[str, object]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def known_people(document: dict[str, object]) -> list[KnownPerson]:
    people = document.get("known_people")
    assert isinstance(people, list)  # noqa: S101  (the set's own format)
    return [
        KnownPerson(
            full_name=str(person["full_name"]),
            aliases=tuple(person.get("aliases", ())),
            public_official=bool(person.get("public_official", False)),
        )
        for person in people
    ]


def score(documents: Iterable[dict[str, object]], *, rules: DetectionRules) -> dict[str, TypeScore]:
    scores: dict[str, TypeScore] = {}
    for document in documents:
        text = str(document["text"])
        spans = document["spans"]
        assert isinstance(spans, list)  # noqa: S101  (the set's own format)
        findings = detect(text, known_people=known_people(document), rules=rules)
        for span in spans:
            kind, start, end = str(span["type"]), int(span["start"]), int(span["end"])
            entry = scores.setdefault(kind, TypeScore())
            entry.labelled += 1
            if _covered(start, end, [f for f in findings if f.kind == kind]):
                entry.found += 1
            else:
                entry.misses.append(f"{document['id']}: {text[start:end]!r}")
        for finding in findings:
            entry = scores.setdefault(finding.kind.value, TypeScore())
            entry.detected += 1
            if any(
                str(span["type"]) == finding.kind.value
                and finding.start < int(span["end"])
                and int(span["start"]) < finding.end
                for span in spans
            ):
                entry.correct += 1
            else:
                entry.false_alarms.append(f"{document['id']}: {finding.text!r}")
    return scores


def _covered(start: int, end: int, findings: list[Finding]) -> bool:
    position = start
    for finding in sorted(findings, key=lambda f: f.start):
        if finding.start <= position < finding.end:
            position = finding.end
        if position >= end:
            return True
    return position >= end
