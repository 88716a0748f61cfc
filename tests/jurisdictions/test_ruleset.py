"""The Illinois ruleset loads, validates, and keeps unknown classes explicit."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from evenhand.jurisdictions.ruleset import (
    RULESET_DIR,
    RulesetError,
    active_ruleset,
    load_ruleset,
    parse_ruleset,
)


def _raw() -> dict[str, Any]:
    with (RULESET_DIR / "illinois.toml").open("rb") as handle:
        return tomllib.load(handle)


def test_every_rule_carries_a_citation() -> None:
    rules = active_ruleset()
    assert rules.special_prosecutor.citation == "55 ILCS 5/3-9008"
    assert not rules.special_prosecutor.in_office_acting_delegation_allowed
    assert all(c.citation for c in rules.classes.values())
    assert all(s.citation for s in rules.statutes.values())


def test_sentencing_classes_of_730_ilcs_5_5_4_5() -> None:
    classes = active_ruleset().classes
    assert {"M", "X", "1", "2", "3", "4", "A", "B", "C"} <= set(classes)
    assert classes["4"].prison == "1–3 years"
    assert classes["4"].extended == "3–6 years"
    assert classes["X"].probation == "not probationable"
    assert classes["4"].citation == "730 ILCS 5/5-4.5-45"


@pytest.mark.parametrize("code", ["Z", "P", "O", "U"])
def test_undocumented_open_data_classes_are_explicit_unknowns(code: str) -> None:
    offense_class = active_ruleset().offense_class(code)
    assert offense_class.code == code
    assert not offense_class.known
    assert "Unknown" in offense_class.label


@pytest.mark.parametrize("code", ["Q", "", " 7 "])
def test_unlisted_codes_are_unknown_not_dropped(code: str) -> None:
    offense_class = active_ruleset().offense_class(code)
    assert offense_class.kind == "unknown"
    assert not offense_class.known


def test_the_scenario_statute_is_a_class_4_felony() -> None:
    statute = active_ruleset().statute("720-5/26-1(a)(4)")
    assert statute.display == "720 ILCS 5/26-1(a)(4)"
    assert (statute.chapter, statute.act, statute.section) == ("720", "5", "26-1(a)(4)")
    assert active_ruleset().offense_class(statute.offense_class).is_felony


def test_unknown_statute_is_a_clear_error() -> None:
    with pytest.raises(RulesetError, match="Unknown statute '720-5/0-0'"):
        active_ruleset().statute("720-5/0-0")


def test_missing_field_is_named() -> None:
    data = _raw()
    del data["statutes"][0]["citation"]
    with pytest.raises(RulesetError, match=r"statutes\[0\]: missing required field 'citation'"):
        parse_ruleset(data)


def test_statute_with_an_unknown_class_is_refused() -> None:
    data = _raw()
    data["statutes"][0]["class"] = "Z"
    with pytest.raises(RulesetError, match="not a known class"):
        parse_ruleset(data)


def test_duplicate_keys_are_refused() -> None:
    data = _raw()
    data["statutes"].append(dict(data["statutes"][0]))
    with pytest.raises(RulesetError, match="duplicate statute key"):
        parse_ruleset(data)


def test_wrong_types_are_refused() -> None:
    data = _raw()
    data["statutes"][0]["violent"] = "no"
    with pytest.raises(RulesetError, match="'violent' must be bool"):
        parse_ruleset(data)


def test_broken_toml_and_missing_files_are_clear(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("[jurisdiction\nkey=")
    with pytest.raises(RulesetError, match="not valid TOML"):
        load_ruleset(broken)
    with pytest.raises(RulesetError, match="not found"):
        load_ruleset(tmp_path / "absent.toml")
