"""Name matching for conflict checks: nicknames, case, accents, one-word names, non-matches."""

from __future__ import annotations

import itertools

import pytest

from evenhand.screening.names import (
    NICKNAME_GROUPS,
    given_name_variants,
    name_keys,
    names_match,
    normalize,
)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Tina Vale", "Christina Vale"),
        ("Christina Vale", "Tina Vale"),
        ("Cal Dunmore", "Calvin Dunmore"),
        ("Calvin Dunmore", "Cal Dunmore"),
        ("Marty Keogh", "Martin Keogh"),
        ("Hal Weiss", "Harold Weiss"),
        ("Bob Lang", "Robert Lang"),
        # "Tina" is short for both Christina and Valentina.
        ("Tina Vale", "Valentina Vale"),
    ],
)
def test_nickname_variants_match(a: str, b: str) -> None:
    assert names_match(a, b)


def test_every_pair_in_a_nickname_group_matches() -> None:
    for group in NICKNAME_GROUPS:
        for first, second in itertools.combinations(sorted(group), 2):
            assert names_match(f"{first} Vale", f"{second} Vale"), (first, second)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("TINA VALE", "christina vale"),
        ("  tina   Vale ", "Tina VALE"),
        ("Calvin DUNMORE", "cal dunmore"),
    ],
)
def test_matching_ignores_case_and_spacing(a: str, b: str) -> None:
    assert names_match(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Dána Whítlock", "Dana Whitlock"),
        ("José Núñez", "Jose Nunez"),
        ("Zoë Ångström", "ZOE ANGSTROM"),
        ("Tína Vále", "Christina Vale"),
    ],
)
def test_matching_ignores_accents(a: str, b: str) -> None:
    assert names_match(a, b)


def test_normalize_folds_case_accents_and_punctuation() -> None:
    assert normalize("  Dána,  WHÍTLOCK! ") == "dana whitlock"
    assert normalize("O'Brien-Smith") == "o'brien-smith"
    assert normalize("") == ""


def test_name_keys_cover_every_nickname_and_ignore_middle_names() -> None:
    keys = name_keys("Christina Marie Vale")
    assert {"christina vale", "tina vale", "chris vale", "kristina vale"} <= keys
    assert all(key.endswith(" vale") for key in keys)
    assert not any("marie" in key for key in keys)
    assert names_match("Jordan Michael Vale", "Jordan Vale")


def test_given_name_variants_of_an_unknown_name_are_just_the_name() -> None:
    assert given_name_variants("Ottoline") == frozenset({"ottoline"})


def test_single_word_names_match_only_themselves() -> None:
    assert name_keys("Cher") == frozenset({"cher"})
    assert names_match("Cher", "CHER")
    assert not names_match("Cher", "Cher Vale")
    assert not names_match("Tina", "Christina")
    assert name_keys("") == frozenset()
    assert not names_match("", "")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Jordan Vale", "Tina Vale"),  # same family, different people
        ("Cal Dunmore", "Reese Dunmore"),
        ("Tina Vale", "Tina Valentine"),  # a surname is a whole word
        ("Tina Vale", "Tina Avale"),
        ("Dana Whitlock", "Dana Whitman"),
        ("Tina Vale", "Vale Tina"),  # given name and surname are not interchangeable
        ("Martin Keogh", "Marty Keough"),
    ],
)
def test_different_people_do_not_match(a: str, b: str) -> None:
    assert not names_match(a, b)


def test_a_typographic_apostrophe_is_the_same_name() -> None:
    """Names typed on phones and in word processors carry ’ instead of '."""
    assert names_match("Kate O'Brien", "Kate O\u2019Brien")


@pytest.mark.parametrize("name", ["Дмитрий Иванов", "Γιάννης Παπαδόπουλος"])
def test_a_name_in_a_non_latin_script_matches_itself(name: str) -> None:
    """A relative recorded in their own script must still be matched to the same name."""
    assert names_match(name, name)
    assert names_match(name, name.upper())


def test_polish_letters_with_a_stroke_fold_like_accents() -> None:
    """'ł' is written 'l' on forms without Polish letters; the match must not depend on it."""
    assert names_match("Michał Wróbel", "Michal Wrobel")
