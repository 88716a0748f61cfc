"""The public-records rules of the active jurisdiction, read from its ruleset file.

The `[public_records]` section of the jurisdiction's TOML holds every day count, reason,
exemption, fee and contact this app uses, each with its citation. It is validated when Django
starts (`RecordsRequestsConfig.ready`): an error names the entry and the app refuses to start.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

from django.conf import settings

from evenhand.jurisdictions.ruleset import RULESET_DIR, RulesetError

from .deadlines import BusinessCalendar, calendar_from

SECTION = "public_records"
T = TypeVar("T")


@dataclass(frozen=True)
class RequesterClass:
    code: str
    label: str
    business_days: int
    extension_allowed: bool
    citation: str


@dataclass(frozen=True)
class ExtensionReason:
    code: str
    text: str
    citation: str


@dataclass(frozen=True)
class Exemption:
    code: str
    text: str
    citation: str
    private_information: bool = False
    sealed_records: bool = False
    undue_burden: bool = False


@dataclass(frozen=True)
class FeeRules:
    citation: str
    free_pages: int
    max_cents_per_page: int
    electronic_copies_free: bool


@dataclass(frozen=True)
class PacContact:
    name: str
    address: str
    phone: str
    email: str


@dataclass(frozen=True)
class HolidayRules:
    source: str
    country: str
    subdivision: str
    citation: str
    names: frozenset[str]
    office_closures: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class PublicRecordsRules:
    act: str
    act_citation: str
    response_business_days: int
    response_citation: str
    extension_business_days: int
    extension_citation: str
    extension_notice_citation: str
    agreed_extension_citation: str
    late_response_citation: str
    pac_request_window_days: int
    pac_request_window_citation: str
    pac_records_business_days: int
    pac_answer_business_days: int
    pac_response_citation: str
    judicial_review_citation: str
    denial_letter_citation: str
    private_information_citation: str
    requester_classes: dict[str, RequesterClass]
    fees: FeeRules
    pac: PacContact
    holidays: HolidayRules
    extension_reasons: dict[str, ExtensionReason]
    exemptions: dict[str, Exemption]

    def requester_class(self, code: str) -> RequesterClass:
        try:
            return self.requester_classes[code]
        except KeyError:
            msg = f"Unknown requester class {code!r}."
            raise RulesetError(msg) from None

    def extension_reason(self, code: str) -> ExtensionReason:
        try:
            return self.extension_reasons[code]
        except KeyError:
            msg = f"Unknown extension reason {code!r}: it is not one the law allows."
            raise RulesetError(msg) from None

    def exemption(self, code: str) -> Exemption:
        try:
            return self.exemptions[code.strip()]
        except KeyError:
            msg = f"Unknown exemption {code!r}: pick one of {', '.join(self.exemptions)}."
            raise RulesetError(msg) from None

    @property
    def sealed_exemption(self) -> Exemption:
        return next(e for e in self.exemptions.values() if e.sealed_records)

    @property
    def private_information_exemption(self) -> Exemption:
        return next(e for e in self.exemptions.values() if e.private_information)


def _field(table: dict[str, Any], name: str, where: str, kind: type = str) -> Any:
    if name not in table:
        msg = f"{where}: missing required field {name!r}"
        raise RulesetError(msg)
    value = table[name]
    # bool is an int in Python; a day count of `true` is still an error.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        msg = f"{where}: field {name!r} must be {kind.__name__}, got {type(value).__name__}"
        raise RulesetError(msg)
    if isinstance(value, str) and not value.strip():
        msg = f"{where}: field {name!r} must not be empty"
        raise RulesetError(msg)
    if isinstance(value, int) and not isinstance(value, bool) and value < 0:
        msg = f"{where}: field {name!r} must not be negative"
        raise RulesetError(msg)
    return value


def _keyed(items: list[T], key: str, where: str) -> dict[str, T]:
    found: dict[str, T] = {}
    for item in items:
        code = getattr(item, key)
        if code in found:
            msg = f"{where}: duplicate code {code!r}"
            raise RulesetError(msg)
        found[code] = item
    return found


def _classes(raw: dict[str, Any]) -> dict[str, RequesterClass]:
    where = f"{SECTION}.requester_classes"
    table = _field(raw, "requester_classes", SECTION, dict)
    classes = {
        code: RequesterClass(
            code=code,
            label=_field(entry, "label", f"{where}.{code}"),
            business_days=_field(entry, "business_days", f"{where}.{code}", int),
            extension_allowed=_field(entry, "extension_allowed", f"{where}.{code}", bool),
            citation=_field(entry, "citation", f"{where}.{code}"),
        )
        for code, entry in table.items()
    }
    if "standard" not in classes:
        msg = f"{where}: a 'standard' class is required"
        raise RulesetError(msg)
    if any(c.business_days < 1 for c in classes.values()):
        msg = f"{where}: every class needs at least one business day"
        raise RulesetError(msg)
    return classes


def _holidays(raw: dict[str, Any]) -> HolidayRules:
    where = f"{SECTION}.holidays"
    table = _field(raw, "holidays", SECTION, dict)
    if _field(table, "source", where) != "holidays":
        msg = f"{where}: only the 'holidays' package is supported as a source"
        raise RulesetError(msg)
    closures = []
    for index, entry in enumerate(_field(table, "office_closures", where, list)):
        closure_where = f"{where}.office_closures[{index}]"
        closures.append(
            (_field(entry, "date", closure_where), _field(entry, "reason", closure_where))
        )
    return HolidayRules(
        source="holidays",
        country=_field(table, "country", where),
        subdivision=_field(table, "subdivision", where),
        citation=_field(table, "citation", where),
        names=frozenset(_field(table, "names", where, list)),
        office_closures=tuple(closures),
    )


def parse_public_records(raw: dict[str, Any]) -> PublicRecordsRules:
    """Build validated rules from the parsed `[public_records]` table."""
    ints = {
        name: _field(raw, name, SECTION, int)
        for name in (
            "response_business_days",
            "extension_business_days",
            "pac_request_window_days",
            "pac_records_business_days",
            "pac_answer_business_days",
        )
    }
    texts = {
        name: _field(raw, name, SECTION)
        for name in (
            "act",
            "act_citation",
            "response_citation",
            "extension_citation",
            "extension_notice_citation",
            "agreed_extension_citation",
            "late_response_citation",
            "pac_request_window_citation",
            "pac_response_citation",
            "judicial_review_citation",
            "denial_letter_citation",
            "private_information_citation",
        )
    }
    fees = _field(raw, "fees", SECTION, dict)
    pac = _field(raw, "pac", SECTION, dict)
    reasons = [
        ExtensionReason(
            code=_field(entry, "code", f"{SECTION}.extension_reasons[{i}]"),
            text=_field(entry, "text", f"{SECTION}.extension_reasons[{i}]"),
            citation=_field(entry, "citation", f"{SECTION}.extension_reasons[{i}]"),
        )
        for i, entry in enumerate(_field(raw, "extension_reasons", SECTION, list))
    ]
    exemptions = [
        Exemption(
            code=_field(entry, "code", f"{SECTION}.exemptions[{i}]"),
            text=_field(entry, "text", f"{SECTION}.exemptions[{i}]"),
            citation=_field(entry, "citation", f"{SECTION}.exemptions[{i}]"),
            private_information=bool(entry.get("private_information", False)),
            sealed_records=bool(entry.get("sealed_records", False)),
            undue_burden=bool(entry.get("undue_burden", False)),
        )
        for i, entry in enumerate(_field(raw, "exemptions", SECTION, list))
    ]
    rules = PublicRecordsRules(
        **ints,
        **texts,
        requester_classes=_classes(raw),
        fees=FeeRules(
            citation=_field(fees, "citation", f"{SECTION}.fees"),
            free_pages=_field(fees, "free_black_and_white_pages", f"{SECTION}.fees", int),
            max_cents_per_page=_field(fees, "max_cents_per_page", f"{SECTION}.fees", int),
            electronic_copies_free=_field(fees, "electronic_copies_free", f"{SECTION}.fees", bool),
        ),
        pac=PacContact(
            name=_field(pac, "name", f"{SECTION}.pac"),
            address=_field(pac, "address", f"{SECTION}.pac"),
            phone=_field(pac, "phone", f"{SECTION}.pac"),
            email=_field(pac, "email", f"{SECTION}.pac"),
        ),
        holidays=_holidays(raw),
        extension_reasons=_keyed(reasons, "code", f"{SECTION}.extension_reasons"),
        exemptions=_keyed(exemptions, "code", f"{SECTION}.exemptions"),
    )
    for flag in ("sealed_records", "private_information"):
        if sum(getattr(e, flag) for e in exemptions) != 1:
            msg = f"{SECTION}.exemptions: exactly one exemption must be marked {flag} = true"
            raise RulesetError(msg)
    return rules


@cache
def public_records_rules() -> PublicRecordsRules:
    """The active jurisdiction's public-records rules, loaded once per process."""
    path = RULESET_DIR / f"{settings.EVENHAND_JURISDICTION}.toml"
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    return parse_public_records(_field(data, SECTION, "top level", dict))


@cache
def business_calendar() -> BusinessCalendar:
    """The jurisdiction's business-day calendar (holidays checked against the ruleset)."""
    spec = public_records_rules().holidays
    return calendar_from(
        country=spec.country,
        subdivision=spec.subdivision,
        expected_names=spec.names,
        closures=spec.office_closures,
    )
