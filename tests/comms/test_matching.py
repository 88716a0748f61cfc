"""TermIndex: the screened terms found in a message's text."""

from __future__ import annotations

import pytest

from evenhand.comms.matching import TermIndex

CASE_NUMBER = "2019-CR-000417"


def _index(*terms: str) -> TermIndex:
    index = TermIndex()
    index.extend(terms)
    return index


def test_an_empty_index_finds_nothing() -> None:
    assert _index().find("Jordan Vale 2019-CR-000417") == []
    assert _index("  ", "!!").find("anything at all") == []
    assert _index("  ", "!!").terms == {}


def test_multi_word_terms_match_only_as_a_phrase() -> None:
    index = _index("Jordan Vale", "16 counts on a class 4")
    assert index.longest == 6
    assert index.find("Did you see what Jordan Vale said?") == ["Jordan Vale"]
    assert index.find("16 counts on a class 4 becomes exhibit A") == ["16 counts on a class 4"]
    assert index.find("Jordan and Vale") == []
    assert index.find("Vale Jordan") == []
    assert index.find("16 counts on class 4") == []


def test_terms_are_reported_as_configured_in_order_of_first_appearance() -> None:
    index = _index("Vale", "Dunmore brothers", "exhibit A")
    text = "The DUNMORE BROTHERS, then vale, then the Dunmore brothers again: exhibit a."
    assert index.find(text) == ["Dunmore brothers", "Vale", "exhibit A"]


@pytest.mark.parametrize(
    "text",
    [
        "JORDAN VALE",
        "jordan vale",
        "(Jordan Vale)",
        "“Jordan Vale”",
        "Jordan\n  Vale!",
        "re: Jordan Vale.",
        "Jordán Valé",
    ],
)
def test_matching_ignores_case_punctuation_spacing_and_accents(text: str) -> None:
    assert _index("Jordan Vale").find(text) == ["Jordan Vale"]


@pytest.mark.parametrize(
    "text",
    [
        "see 2019-CR-000417",
        "2019-cr-000417",
        "(2019-CR-000417).",
        "case #2019-CR-000417, count 3",
    ],
)
def test_case_numbers_are_found(text: str) -> None:
    assert _index(CASE_NUMBER).find(text) == [CASE_NUMBER]


@pytest.mark.parametrize("text", ["2019-CR-000418", "2019-CR-0004170", "12019-CR-000417"])
def test_other_case_numbers_do_not_match(text: str) -> None:
    assert _index(CASE_NUMBER).find(text) == []


@pytest.mark.parametrize("text", ["Valentine", "Vales", "Avale", "valence", "Valentine's Day"])
def test_no_partial_word_matches(text: str) -> None:
    assert _index("Vale").find(text) == []


def test_a_term_with_accents_matches_plain_text() -> None:
    assert _index("José Núñez").find("talked to jose nunez today") == ["José Núñez"]


@pytest.mark.parametrize("text", ["2019 CR 000417", "2019/CR/000417", "2019–CR–000417"])
def test_case_numbers_are_found_whatever_the_separators(text: str) -> None:
    """Punctuation-insensitive: a number written with spaces, slashes or dashes is the same."""
    assert _index(CASE_NUMBER).find(f"about {text} again") == [CASE_NUMBER]


@pytest.mark.parametrize("text", ["Jordan Vale's statement", "what did Vale's lawyer say"])
def test_a_possessive_still_names_the_person(text: str) -> None:
    """ "Vale's" mentions Vale: a screened person cannot slip a name past by adding 's."""
    index = _index("Jordan Vale", "Vale")
    assert "Vale" in index.find(text)


def test_a_typographic_apostrophe_does_not_hide_a_term() -> None:
    assert _index("O'Brien").find("ask O\u2019Brien about it") == ["O'Brien"]


def test_terms_in_a_non_latin_script_are_found() -> None:
    assert _index("Дмитрий Иванов").find("звонил Дмитрий Иванов вчера") == ["Дмитрий Иванов"]
