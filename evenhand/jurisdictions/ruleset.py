"""Load and validate a jurisdiction's rules from TOML.

The ruleset is immutable once loaded. A malformed file raises `RulesetError` naming the
offending entry, and the app refuses to start (see apps.py).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings

from .programmes import Programme, ReprosecutionBar, parse_programmes

RULESET_DIR = Path(__file__).resolve().parent
VALID_CLASS_KINDS = frozenset({"felony", "misdemeanor", "unknown"})


class RulesetError(ValueError):
    """The ruleset file is missing, malformed or inconsistent."""


@dataclass(frozen=True)
class OffenseClass:
    code: str
    label: str
    kind: str
    rank: int
    citation: str
    known: bool = True
    prison: str = ""
    extended: str = ""
    probation: str = ""

    @property
    def is_felony(self) -> bool:
        return self.kind == "felony"


@dataclass(frozen=True)
class Statute:
    key: str
    chapter: str
    act: str
    section: str
    title: str
    offense_class: str
    offense_category: str
    violent: bool
    citation: str

    @property
    def display(self) -> str:
        return f"{self.chapter} ILCS {self.act}/{self.section}"


@dataclass(frozen=True)
class SpecialProsecutorRules:
    citation: str
    in_office_acting_delegation_allowed: bool
    grounds: tuple[str, ...]
    appointee_sources: tuple[str, ...]


@dataclass(frozen=True)
class ChargingRules:
    """Office policy for charging decisions compared with history."""

    rationale_percentile: float
    citation: str


def _parse_charging(raw: dict[str, Any]) -> ChargingRules:
    percentile = _require(raw, "rationale_percentile", "charging", float)
    if not 0 < percentile <= 100:
        msg = f"charging: rationale_percentile must be in (0, 100], got {percentile}"
        raise RulesetError(msg)
    return ChargingRules(
        rationale_percentile=percentile, citation=_require(raw, "citation", "charging")
    )


@dataclass(frozen=True)
class RedactionKind:
    """One kind of private or personal information and the exemption that covers it."""

    kind: str
    label: str
    exemption: str
    citation: str


@dataclass(frozen=True)
class RedactionRules:
    citation: str
    official_email_domains: frozenset[str]
    sealed_withheld_citation: str
    kinds: dict[str, RedactionKind] = field(default_factory=dict)

    def exemption(self, kind: str) -> str:
        try:
            return self.kinds[kind].exemption
        except KeyError:
            msg = f"Redaction kind {kind!r} has no exemption in the ruleset."
            raise RulesetError(msg) from None


def _parse_redaction(raw: dict[str, Any]) -> RedactionRules:
    domains = _require(raw, "official_email_domains", "redaction", list)
    kinds: dict[str, RedactionKind] = {}
    for index, entry in enumerate(_require(raw, "kinds", "redaction", list)):
        where = f"redaction.kinds[{index}]"
        parsed = RedactionKind(
            kind=_require(entry, "kind", where),
            label=_require(entry, "label", where),
            exemption=_require(entry, "exemption", where),
            citation=_require(entry, "citation", where),
        )
        if parsed.kind in kinds:
            msg = f"{where}: duplicate redaction kind {parsed.kind!r}"
            raise RulesetError(msg)
        kinds[parsed.kind] = parsed
    return RedactionRules(
        citation=_require(raw, "citation", "redaction"),
        official_email_domains=frozenset(str(domain).lower() for domain in domains),
        sealed_withheld_citation=_require(raw, "sealed_withheld_citation", "redaction"),
        kinds=kinds,
    )


@dataclass(frozen=True)
class SealingRules:
    """Who keeps access to a sealed case, and the citations the sealing pages show."""

    citation: str
    immediate_citation: str
    later_citation: str
    expungement_citation: str
    court_ordered_access_citation: str
    foia_exempt_citation: str
    roles_with_standing: frozenset[str]


def _parse_sealing(raw: dict[str, Any]) -> SealingRules:
    roles = _require(raw, "roles_with_standing", "sealing", list)
    if not all(isinstance(role, str) and role.strip() for role in roles):
        msg = "sealing: roles_with_standing must be a list of role keys"
        raise RulesetError(msg)
    citations = (
        "citation",
        "immediate_citation",
        "later_citation",
        "expungement_citation",
        "court_ordered_access_citation",
        "foia_exempt_citation",
    )
    return SealingRules(
        **{name: _require(raw, name, "sealing") for name in citations},
        roles_with_standing=frozenset(roles),
    )


@dataclass(frozen=True)
class Ruleset:
    key: str
    name: str
    office: str
    county: str
    head_of_office_title: str
    timezone: str
    special_prosecutor: SpecialProsecutorRules
    classes: dict[str, OffenseClass] = field(default_factory=dict)
    statutes: dict[str, Statute] = field(default_factory=dict)
    redaction: RedactionRules | None = None
    sealing: SealingRules | None = None
    charging: ChargingRules | None = None
    # Diversion programmes and the re-prosecution bar (jurisdictions/programmes.py).
    programmes: dict[str, Programme] = field(default_factory=dict)
    reprosecution_bar: ReprosecutionBar | None = None

    def offense_class(self, code: str) -> OffenseClass:
        """The class for a code; any code the ruleset does not list is an explicit unknown."""
        normalized = code.strip().upper()
        if normalized in self.classes:
            return self.classes[normalized]
        return OffenseClass(
            code=normalized or "?",
            label=f"Unknown (unlisted source code {normalized or 'blank'!r})",
            kind="unknown",
            rank=99,
            citation="not in the ruleset",
            known=False,
        )

    def statute(self, key: str) -> Statute:
        try:
            return self.statutes[key]
        except KeyError:
            msg = f"Unknown statute {key!r}: it is not in the {self.name} ruleset."
            raise RulesetError(msg) from None


def _require(table: dict[str, Any], name: str, where: str, kind: type = str) -> Any:
    if name not in table:
        msg = f"{where}: missing required field {name!r}"
        raise RulesetError(msg)
    value = table[name]
    if not isinstance(value, kind):
        msg = f"{where}: field {name!r} must be {kind.__name__}, got {type(value).__name__}"
        raise RulesetError(msg)
    if isinstance(value, str) and not value.strip():
        msg = f"{where}: field {name!r} must not be empty"
        raise RulesetError(msg)
    return value


def _parse_class(raw: dict[str, Any], index: int) -> OffenseClass:
    where = f"classes[{index}]"
    kind = _require(raw, "kind", where)
    if kind not in VALID_CLASS_KINDS:
        msg = f"{where}: kind {kind!r} is not one of {sorted(VALID_CLASS_KINDS)}"
        raise RulesetError(msg)
    return OffenseClass(
        code=_require(raw, "code", where),
        label=_require(raw, "label", where),
        kind=kind,
        rank=_require(raw, "rank", where, int),
        citation=_require(raw, "citation", where),
        known=bool(raw.get("known", True)),
        prison=str(raw.get("prison", "")),
        extended=str(raw.get("extended", "")),
        probation=str(raw.get("probation", "")),
    )


def _parse_statute(raw: dict[str, Any], index: int, classes: dict[str, OffenseClass]) -> Statute:
    where = f"statutes[{index}]"
    offense_class = _require(raw, "class", where)
    if offense_class not in classes or not classes[offense_class].known:
        msg = f"{where}: class {offense_class!r} is not a known class of the ruleset"
        raise RulesetError(msg)
    return Statute(
        key=_require(raw, "key", where),
        chapter=_require(raw, "chapter", where),
        act=_require(raw, "act", where),
        section=_require(raw, "section", where),
        title=_require(raw, "title", where),
        offense_class=offense_class,
        offense_category=_require(raw, "offense_category", where),
        violent=_require(raw, "violent", where, bool),
        citation=_require(raw, "citation", where),
    )


def parse_ruleset(data: dict[str, Any]) -> Ruleset:
    """Build a validated ruleset from parsed TOML."""
    head = _require(data, "jurisdiction", "top level", dict)
    sp = _require(data, "special_prosecutor", "top level", dict)
    classes: dict[str, OffenseClass] = {}
    for index, raw in enumerate(_require(data, "classes", "top level", list)):
        parsed = _parse_class(raw, index)
        if parsed.code in classes:
            msg = f"classes[{index}]: duplicate class code {parsed.code!r}"
            raise RulesetError(msg)
        classes[parsed.code] = parsed
    statutes: dict[str, Statute] = {}
    for index, raw in enumerate(_require(data, "statutes", "top level", list)):
        statute = _parse_statute(raw, index, classes)
        if statute.key in statutes:
            msg = f"statutes[{index}]: duplicate statute key {statute.key!r}"
            raise RulesetError(msg)
        statutes[statute.key] = statute
    programmes, reprosecution_bar = parse_programmes(
        data,
        statute_keys=frozenset(statutes),
        class_codes=frozenset(classes),
        error=RulesetError,
    )
    return Ruleset(
        key=_require(head, "key", "jurisdiction"),
        name=_require(head, "name", "jurisdiction"),
        office=_require(head, "office", "jurisdiction"),
        county=_require(head, "county", "jurisdiction"),
        head_of_office_title=_require(head, "head_of_office_title", "jurisdiction"),
        timezone=_require(head, "timezone", "jurisdiction"),
        special_prosecutor=SpecialProsecutorRules(
            citation=_require(sp, "citation", "special_prosecutor"),
            in_office_acting_delegation_allowed=_require(
                sp, "in_office_acting_delegation_allowed", "special_prosecutor", bool
            ),
            grounds=tuple(_require(sp, "grounds", "special_prosecutor", list)),
            appointee_sources=tuple(_require(sp, "appointee_sources", "special_prosecutor", list)),
        ),
        classes=classes,
        statutes=statutes,
        redaction=_parse_redaction(data["redaction"]) if "redaction" in data else None,
        sealing=_parse_sealing(data["sealing"]) if "sealing" in data else None,
        charging=_parse_charging(data["charging"]) if "charging" in data else None,
        programmes=programmes,
        reprosecution_bar=reprosecution_bar,
    )


def load_ruleset(path: Path) -> Ruleset:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        msg = f"Ruleset file not found: {path}"
        raise RulesetError(msg) from None
    except tomllib.TOMLDecodeError as exc:
        msg = f"Ruleset {path.name} is not valid TOML: {exc}"
        raise RulesetError(msg) from exc
    return parse_ruleset(data)


@cache
def active_ruleset() -> Ruleset:
    """The ruleset of the jurisdiction named in settings, loaded once per process."""
    return load_ruleset(RULESET_DIR / f"{settings.EVENHAND_JURISDICTION}.toml")
