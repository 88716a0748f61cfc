"""The detector finds each kind of private information and participants' names, and leaves
official addresses and public officials alone."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evenhand.redaction.detect import (
    DetectionRules,
    Finding,
    FindingKind,
    KnownPerson,
    detect,
    ruleset_rules,
)

RULES = DetectionRules(
    exemptions={
        kind.value: "7(1)(c)" if kind == FindingKind.PERSON_NAME else "7(1)(b)"
        for kind in FindingKind
    },
    official_email_domains=frozenset({"cookcountysao.org"}),
)
CAST = (
    KnownPerson("Jordan Vale"),
    KnownPerson("Christina Vale", aliases=("Tee Vale",)),
    KnownPerson("Calvin Dunmore"),
    KnownPerson("Reese Dunmore"),
    KnownPerson("Dana Whitlock", public_official=True),
    KnownPerson("Priya Raman", public_official=True),
)


def kinds(text: str) -> list[tuple[FindingKind, str]]:
    return [(f.kind, f.text) for f in detect(text, known_people=CAST, rules=RULES)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SSN 123-45-6789 on file", "123-45-6789"),
        ("ssn: 123456789", "123456789"),
        ("Social Security No. 219 09 9999.", "219 09 9999"),
    ],
)
def test_ssn_formats(text: str, expected: str) -> None:
    assert kinds(text) == [(FindingKind.SSN, expected)]


@pytest.mark.parametrize(
    "text",
    ["000-12-3456", "666-12-3456", "912-34-5678", "123-00-4567", "123-45-0000", "case 123456789"],
)
def test_invalid_or_unlabelled_ssns_are_not_flagged(text: str) -> None:
    assert all(kind != FindingKind.SSN for kind, _ in kinds(text))


@pytest.mark.parametrize(
    "phone",
    [
        "(312) 555-0142",
        "312-555-0142",
        "312.555.0142",
        "+1 312 555 0142",
        "1-773-555-0199",
        "312-555-0142 ext. 204",
        "(708) 555-0100 x12",
    ],
)
def test_phone_formats(phone: str) -> None:
    assert kinds(f"Call me at {phone}, thanks") == [(FindingKind.PHONE, phone)]


def test_personal_email_is_flagged_but_official_is_not() -> None:
    found = kinds(
        "Write to tvale88@gmail.com or cc priya.raman@cookcountysao.org and "
        "x@press.cookcountysao.org"
    )
    assert found == [(FindingKind.EMAIL, "tvale88@gmail.com")]


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("Illinois DL V123-4567-8901 was seized", FindingKind.DRIVERS_LICENCE, "V123-4567-8901"),
        ("driver's licence D12345678901", FindingKind.DRIVERS_LICENCE, "D12345678901"),
        ("a grey Honda, plate ABC 1234, parked", FindingKind.PLATE, "ABC 1234"),
        ("license plate number: 1234567", FindingKind.PLATE, "1234567"),
        ("paid with card 4111 1111 1111 1111 at", FindingKind.FINANCIAL, "4111 1111 1111 1111"),
        ("account no. 004512387 at Chase", FindingKind.FINANCIAL, "004512387"),
        ("Northwestern MRN: 00456123 shows", FindingKind.MEDICAL, "00456123"),
        ("medical record number AB-20391 says", FindingKind.MEDICAL, "AB-20391"),
        ("DOB 04/12/1987.", FindingKind.DATE_OF_BIRTH, "04/12/1987"),
        ("born on March 4, 1988 in", FindingKind.DATE_OF_BIRTH, "March 4, 1988"),
        (
            "lives at 1420 W. Fullerton Ave, Apt 3B, Chicago, IL 60614.",
            FindingKind.ADDRESS,
            "1420 W. Fullerton Ave, Apt 3B, Chicago, IL 60614",
        ),
        (
            "went to 88 North Lake Shore Drive at noon",
            FindingKind.ADDRESS,
            "88 North Lake Shore Drive",
        ),
    ],
)
def test_other_private_information(text: str, kind: FindingKind, value: str) -> None:
    assert kinds(text) == [(kind, value)]


def test_card_numbers_must_pass_luhn() -> None:
    assert kinds("reference 4111 1111 1111 1112 only") == []


def test_names_of_participants_with_nicknames_aliases_and_captions() -> None:
    text = (
        "Tina Vale called about Jordan A. Vale's statement. Vale, Jordan appeared; "
        "Cal Dunmore and Mr. Dunmore's brother Reese were there. Tee Vale too."
    )
    names = [value for kind, value in kinds(text) if kind == FindingKind.PERSON_NAME]
    assert names == [
        "Tina Vale",
        "Jordan A. Vale",
        "Vale, Jordan",
        "Cal Dunmore",
        "Dunmore",
        "Reese",
        "Tee Vale",
    ]


def test_public_officials_and_lowercase_words_are_not_names() -> None:
    assert kinds("ASA Priya Raman told Dana Whitlock; the vale was quiet.") == []


def test_findings_carry_the_exemption_of_their_kind() -> None:
    found = detect("Jordan Vale, 312-555-0142", known_people=CAST, rules=RULES)
    assert [(f.kind, f.exemption) for f in found] == [
        (FindingKind.PERSON_NAME, "7(1)(c)"),
        (FindingKind.PHONE, "7(1)(b)"),
    ]


def test_default_rules_come_from_the_ruleset() -> None:
    rules = ruleset_rules()
    assert rules.exemption(FindingKind.SSN) == "7(1)(b)"
    assert rules.exemption(FindingKind.PERSON_NAME) == "7(1)(c)"
    assert "cookcountysao.org" in rules.official_email_domains
    assert detect("tel 312-555-0142")[0].exemption == "7(1)(b)"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("0123456789 -().@xabcVale,JordnT\n'"), max_size=120))
def test_findings_are_ordered_disjoint_and_quote_the_text(text: str) -> None:
    found: list[Finding] = detect(text, known_people=CAST, rules=RULES)
    previous_end = 0
    for finding in found:
        assert previous_end <= finding.start < finding.end <= len(text)
        assert text[finding.start : finding.end] == finding.text
        previous_end = finding.end
