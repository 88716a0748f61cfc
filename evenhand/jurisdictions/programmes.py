"""Diversion programmes and alternative dispositions as data: parsed from the `[[programmes]]`
and `[reprosecution_bar]` sections of the jurisdiction's TOML and validated against its
statutes and classes. `ruleset.parse_ruleset` calls `parse_programmes`.

Every programme keeps its citation and a `verified` flag: research notes mark several facts
(minimum durations, hours, offence lists of older versions) as unconfirmed, and the pages show
that instead of pretending to certainty.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

CONSENT_PARTIES = frozenset({"state_attorney", "defendant", "victim"})
# Values of `evenhand.dispositions.models.TermKind` / `DispositionKind` (kept as strings here:
# the ruleset loads before any app's models).
CONDITION_TYPES = frozenset(
    {
        "community_service",
        "restitution",
        "bond_forfeiture",
        "classes",
        "no_contact",
        "education",
        "no_weapons",
    }
)
COMPLETION_DISPOSITIONS = frozenset({"nolle_prosequi_conditions", "dismissed_by_court"})
STAGES = frozenset({"pre_plea", "post_plea", "any"})


@dataclass(frozen=True)
class Programme:
    code: str
    name: str
    citation: str
    verified: bool
    stage: str
    description: str
    # Offences: a charge qualifies when its statute key or its offence category is listed;
    # both lists empty means any offence.
    offence_statutes: frozenset[str]
    offence_categories: frozenset[str]
    excluded_statutes: frozenset[str]
    felony_only: bool
    excluded_classes: frozenset[str]
    exclude_violent: bool
    no_prior_felony_conviction: bool
    no_prior_violent_conviction: bool
    requires_plea_or_finding: bool
    required_consents: frozenset[str]
    victim_veto: bool
    once_only: bool
    minimum_months: int
    condition_types: frozenset[str]
    required_conditions: frozenset[str]
    completion_disposition: str
    notes: str = ""

    @property
    def any_offence(self) -> bool:
        return not self.offence_statutes and not self.offence_categories


@dataclass(frozen=True)
class ReprosecutionBar:
    citation: str
    # A later charge under the same statute counts as the same conduct when its incident date
    # (or, if unknown, the case's received date) is within this many days of the earlier case.
    same_conduct_window_days: int


ErrorFactory = Callable[[str], Exception]


def _field(raw: Mapping[str, Any], name: str, where: str, kind: type, error: ErrorFactory) -> Any:
    if name not in raw:
        raise error(f"{where}: missing required field {name!r}")
    value = raw[name]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise error(f"{where}: field {name!r} must be {kind.__name__}, got {type(value).__name__}")
    if isinstance(value, str) and not value.strip():
        raise error(f"{where}: field {name!r} must not be empty")
    return value


def _strings(raw: Mapping[str, Any], name: str, where: str, error: ErrorFactory) -> frozenset[str]:
    values = raw.get(name, [])
    if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
        raise error(f"{where}: field {name!r} must be a list of non-empty strings")
    return frozenset(values)


def _subset(
    values: frozenset[str], allowed: frozenset[str], name: str, where: str, error: ErrorFactory
) -> None:
    unknown = sorted(values - allowed)
    if unknown:
        raise error(f"{where}: {name} names unknown value(s) {unknown}")


def _parse_programme(
    raw: Mapping[str, Any],
    where: str,
    *,
    statute_keys: frozenset[str],
    class_codes: frozenset[str],
    error: ErrorFactory,
) -> Programme:
    def text(name: str) -> str:
        return str(_field(raw, name, where, str, error))

    def flag(name: str) -> bool:
        return bool(_field(raw, name, where, bool, error))

    def strings(name: str) -> frozenset[str]:
        return _strings(raw, name, where, error)

    stage = text("stage")
    if stage not in STAGES:
        raise error(f"{where}: stage {stage!r} is not one of {sorted(STAGES)}")
    minimum_months = int(_field(raw, "minimum_months", where, int, error))
    if minimum_months < 0:
        raise error(f"{where}: minimum_months must not be negative")
    programme = Programme(
        code=text("code"),
        name=text("name"),
        citation=text("citation"),
        verified=flag("verified"),
        stage=stage,
        description=text("description"),
        offence_statutes=strings("offence_statutes"),
        offence_categories=strings("offence_categories"),
        excluded_statutes=strings("excluded_statutes"),
        felony_only=flag("felony_only"),
        excluded_classes=strings("excluded_classes"),
        exclude_violent=flag("exclude_violent"),
        no_prior_felony_conviction=flag("no_prior_felony_conviction"),
        no_prior_violent_conviction=flag("no_prior_violent_conviction"),
        requires_plea_or_finding=flag("requires_plea_or_finding"),
        required_consents=strings("required_consents"),
        victim_veto=flag("victim_veto"),
        once_only=flag("once_only"),
        minimum_months=minimum_months,
        condition_types=strings("condition_types"),
        required_conditions=strings("required_conditions"),
        completion_disposition=text("completion_disposition"),
        notes=str(raw.get("notes", "")),
    )
    _subset(programme.offence_statutes, statute_keys, "offence_statutes", where, error)
    _subset(programme.excluded_statutes, statute_keys, "excluded_statutes", where, error)
    _subset(programme.excluded_classes, class_codes, "excluded_classes", where, error)
    _subset(programme.required_consents, CONSENT_PARTIES, "required_consents", where, error)
    _subset(programme.condition_types, CONDITION_TYPES, "condition_types", where, error)
    _subset(
        programme.required_conditions,
        programme.condition_types,
        "required_conditions",
        where,
        error,
    )
    if programme.completion_disposition not in COMPLETION_DISPOSITIONS:
        raise error(
            f"{where}: completion_disposition {programme.completion_disposition!r} is not one "
            f"of {sorted(COMPLETION_DISPOSITIONS)}"
        )
    if programme.victim_veto and "victim" not in programme.required_consents:
        raise error(f"{where}: a victim veto needs 'victim' among required_consents")
    if not programme.condition_types:
        raise error(f"{where}: condition_types must name at least one condition type")
    return programme


def parse_programmes(
    data: Mapping[str, Any],
    *,
    statute_keys: frozenset[str],
    class_codes: frozenset[str],
    error: ErrorFactory,
) -> tuple[dict[str, Programme], ReprosecutionBar]:
    """The programmes (by code) and the re-prosecution bar rule of a parsed ruleset."""
    raw_list = data.get("programmes", [])
    if not isinstance(raw_list, list):
        raise error("top level: 'programmes' must be an array of tables")
    programmes: dict[str, Programme] = {}
    for index, raw in enumerate(raw_list):
        where = f"programmes[{index}]"
        if not isinstance(raw, dict):
            raise error(f"{where}: must be a table")
        programme = _parse_programme(
            raw, where, statute_keys=statute_keys, class_codes=class_codes, error=error
        )
        if programme.code in programmes:
            raise error(f"{where}: duplicate programme code {programme.code!r}")
        programmes[programme.code] = programme
    raw_bar = data.get("reprosecution_bar", {})
    if not isinstance(raw_bar, dict):
        raise error("top level: 'reprosecution_bar' must be a table")
    window = int(
        _field(raw_bar, "same_conduct_window_days", "reprosecution_bar", int, error)
        if raw_bar
        else 0
    )
    if window < 0:
        raise error("reprosecution_bar: same_conduct_window_days must not be negative")
    bar = ReprosecutionBar(
        citation=str(
            _field(raw_bar, "citation", "reprosecution_bar", str, error) if raw_bar else ""
        ),
        same_conduct_window_days=window,
    )
    return programmes, bar
