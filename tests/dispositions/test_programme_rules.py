"""The programmes section of the ruleset: loaded with citations, and malformed entries named."""

from __future__ import annotations

import copy
import tomllib
from typing import Any

import pytest

from evenhand.jurisdictions.ruleset import RULESET_DIR, RulesetError, active_ruleset, parse_ruleset


def _data() -> dict[str, Any]:
    with (RULESET_DIR / "illinois.toml").open("rb") as handle:
        return tomllib.load(handle)


def test_the_five_programmes_load_with_citations() -> None:
    programmes = active_ruleset().programmes
    assert set(programmes) == {
        "offender_initiative",
        "second_chance_probation",
        "cook_deferred_prosecution",
        "drug_deferred_prosecution",
        "alternative_disposition",
    }
    assert programmes["offender_initiative"].citation == "730 ILCS 5/5-6-3.3"
    assert programmes["second_chance_probation"].citation == "730 ILCS 5/5-6-3.4"
    assert programmes["second_chance_probation"].minimum_months == 24
    assert programmes["cook_deferred_prosecution"].victim_veto
    assert programmes["cook_deferred_prosecution"].once_only
    assert all(p.citation for p in programmes.values())


def test_the_bar_rule_cites_smollett() -> None:
    bar = active_ruleset().reprosecution_bar
    assert bar is not None
    assert "2024 IL 130431" in bar.citation


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"offence_statutes": ["no-such-statute"]}, "offence_statutes names unknown"),
        ({"required_consents": ["judge"]}, "required_consents names unknown"),
        ({"condition_types": ["ankle_monitor"]}, "condition_types names unknown"),
        ({"completion_disposition": "plea_as_charged"}, "completion_disposition"),
        ({"minimum_months": -1}, "must not be negative"),
        ({"minimum_months": "twelve"}, "must be int"),
        ({"stage": "sometime"}, "stage"),
        ({"required_consents": ["defendant"], "victim_veto": True}, "victim veto"),
        ({"required_conditions": ["bond_forfeiture"]}, "required_conditions"),
    ],
)
def test_a_malformed_programme_is_refused_with_its_position(
    change: dict[str, Any], message: str
) -> None:
    data = copy.deepcopy(_data())
    data["programmes"][1].update(change)
    with pytest.raises(RulesetError, match=r"programmes\[1\]") as caught:
        parse_ruleset(data)
    assert message in str(caught.value)


def test_a_duplicate_programme_code_is_refused() -> None:
    data = copy.deepcopy(_data())
    data["programmes"].append(copy.deepcopy(data["programmes"][0]))
    with pytest.raises(RulesetError, match="duplicate programme code"):
        parse_ruleset(data)


def test_a_missing_field_is_named() -> None:
    data = copy.deepcopy(_data())
    del data["programmes"][0]["citation"]
    with pytest.raises(RulesetError, match="missing required field 'citation'"):
        parse_ruleset(data)
