from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evenhand.dispositions.models import DISPOSITION_DESCRIPTIONS, DispositionKind
from evenhand.dispositions.vocabulary import (
    CookCountyGroup,
    cook_county_group,
    cook_county_value,
    kind_for_cook_county,
)


@pytest.mark.parametrize("kind", list(DispositionKind))
def test_every_kind_has_a_description_and_a_county_value_in_a_group(
    kind: DispositionKind,
) -> None:
    assert DISPOSITION_DESCRIPTIONS[kind]
    assert cook_county_group(cook_county_value(kind)) is not None


@pytest.mark.parametrize(
    "kind", [k for k in DispositionKind if k != DispositionKind.NOLLE_PROSEQUI_CONDITIONS]
)
def test_export_then_import_gives_the_same_kind(kind: DispositionKind) -> None:
    assert kind_for_cook_county(cook_county_value(kind)) == kind


def test_a_conditional_nolle_exports_as_the_countys_plain_nolle() -> None:
    value = cook_county_value(DispositionKind.NOLLE_PROSEQUI_CONDITIONS)
    assert value == "Nolle Prosecution"
    assert kind_for_cook_county(value) == DispositionKind.NOLLE_PROSEQUI


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("Plea Of Guilty", DispositionKind.PLEA_AS_CHARGED),
        ("plea of guilty", DispositionKind.PLEA_AS_CHARGED),
        ("Nolle  On Remand", DispositionKind.NOLLE_PROSEQUI),
        ("FNPC", DispositionKind.NO_PROBABLE_CAUSE),
        ("Verdict-Not Guilty", DispositionKind.JURY_NOT_GUILTY),
        ("Death Suggested-Cause Abated", DispositionKind.ABATED),
    ],
)
def test_county_values_import_ignoring_case_and_spacing(value: str, kind: DispositionKind) -> None:
    assert kind_for_cook_county(value) == kind


@pytest.mark.parametrize("value", ["BFW", "Mistrial Declared", "Finding Not Not Guilty", ""])
def test_county_values_without_a_kind_are_explicit_unknowns(value: str) -> None:
    assert kind_for_cook_county(value) is None


def test_groups_follow_the_schema_notes() -> None:
    assert cook_county_group("Nolle Prosecution") == CookCountyGroup.PROSECUTOR_DISMISSAL
    assert cook_county_group("SOL") == CookCountyGroup.PROCEDURAL
    assert cook_county_group("Something New") is None


@given(st.text(max_size=40))
def test_import_never_fails_on_any_text(value: str) -> None:
    result = kind_for_cook_county(value)
    assert result is None or result in DispositionKind
