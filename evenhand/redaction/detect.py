"""Detection of private information and of the names of participants in free text.

Pure Python (no Django): the patterns here are the "private information" kinds of the records
act as listed in the ruleset's `[redaction]` section, and each finding carries the exemption
code the ruleset gives its kind. What the case database knows about its people comes in as
`KnownPerson` values, so the detector also finds their names, aliases and nickname variants.

Every finding is a suggestion: a reviewer accepts or rejects it before anything is released.
Recall matters more than precision here (a missed phone number is a wrongful disclosure; a
wrong suggestion costs a click), but the patterns still check what can be checked cheaply:
SSN area/group/serial rules, the Luhn digit of card numbers, official e-mail domains.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from evenhand.screening.names import given_name_variants, normalize


class FindingKind(enum.StrEnum):
    SSN = "ssn"
    PHONE = "phone"
    EMAIL = "email"
    DRIVERS_LICENCE = "drivers_licence"
    PLATE = "plate"
    FINANCIAL = "financial"
    MEDICAL = "medical"
    ADDRESS = "address"
    DATE_OF_BIRTH = "date_of_birth"
    PERSON_NAME = "person_name"


@dataclass(frozen=True)
class KnownPerson:
    """A person the case database knows. Public officials are never redacted by name."""

    full_name: str
    aliases: tuple[str, ...] = ()
    public_official: bool = False


@dataclass(frozen=True)
class Finding:
    start: int
    end: int
    kind: FindingKind
    text: str
    exemption: str


@dataclass(frozen=True)
class DetectionRules:
    """The ruleset's part of detection: exemption code per kind, official e-mail domains."""

    exemptions: Mapping[str, str]
    official_email_domains: frozenset[str] = field(default_factory=frozenset)

    def exemption(self, kind: FindingKind) -> str:
        return self.exemptions[kind.value]


def ruleset_rules() -> DetectionRules:
    """The active jurisdiction's rules (needs Django settings; imported late on purpose, so the
    detector itself stays usable without Django when given explicit rules)."""
    from evenhand.jurisdictions.ruleset import RulesetError, active_ruleset  # noqa: PLC0415

    redaction = active_ruleset().redaction
    if redaction is None:
        msg = "The ruleset has no [redaction] section."
        raise RulesetError(msg)
    return DetectionRules(
        exemptions={kind: rule.exemption for kind, rule in redaction.kinds.items()},
        official_email_domains=redaction.official_email_domains,
    )


# --- Patterns -------------------------------------------------------------------------------

# SSN: area 001-899 except 666, group 01-99, serial 0001-9999. Dashes or spaces; bare nine
# digits only after a label, since bare digit runs are usually other numbers.
_SSN_BODY = r"(?!000|666|9\d\d)\d{3}(?P<sep>[- ])(?!00)\d{2}(?P=sep)(?!0000)\d{4}"
_SSN = re.compile(rf"(?<![\w-]){_SSN_BODY}(?![\w-])")
_SSN_LABELLED = re.compile(
    r"(?i:\b(?:ssn|soc(?:ial)?\.?\s*sec(?:urity)?\.?(?:\s*(?:no|number|#))?)\.?[\s:#]*)"
    r"(?P<value>(?!000|666|9\d\d)\d{3}(?!00)\d{2}(?!0000)\d{4})(?!\d)"
)
_PHONE = re.compile(
    r"(?<![\w+])(?:\+?1[\s.-]?)?(?:\([2-9]\d{2}\)\s?|[2-9]\d{2}[\s.-])[2-9]\d{2}[\s.-]\d{4}"
    r"(?:\s*(?:x|ext\.?|extension)\s*\d{1,5})?(?!\d)",
    re.IGNORECASE,
)
# Ten bare digits with a valid area code and exchange: how phone numbers get typed in texts.
_PHONE_BARE = re.compile(
    r"(?<![\w.+-])[2-9]\d{2}[2-9]\d{6}(?:\s*(?:x|ext\.?|extension)\s*\d{1,5})?(?![\w-])",
    re.IGNORECASE,
)
# Unicode letters allowed on both sides: internationalised addresses are personal too.
_EMAIL = re.compile(
    r"(?<![\w.+-])[^\W_][\w.%+-]*@(?P<domain>[^\W_][\w-]*(?:\.[\w-]+)*\.[^\W\d_]{2,})\b"
)
# Illinois: one letter and eleven digits, printed as A123-4567-8901.
_DRIVERS_LICENCE = re.compile(r"\b[A-Z]\d{3}(?P<sep>[- ]?)\d{4}(?P=sep)\d{4}\b")
_PLATE = re.compile(
    r"(?i:\b(?:licen[cs]e\s+plate|plate|tag|registration)(?:\s+(?:number|no\.?|#))?\s*"
    r"(?:(?:\s+[a-z]+){0,3}?\s+(?:is|was|reads|reading|of))?[\s:#]*)"
    r"(?P<value>(?=[A-Z0-9 -]*\d)[A-Z0-9]{1,4}[ -]?[A-Z0-9]{1,5})\b"
)
_CARD = re.compile(r"(?<![\d-])\d(?:[\s-]?\d){12,18}(?![\d-])")
_ACCOUNT = re.compile(
    r"(?i:\b(?:account|acct|routing|iban)\.?(?:\s+(?:number|no\.?|#))?[\s:#]*)"
    r"(?P<value>\d[\d -]{4,20}\d)\b"
)
_MEDICAL = re.compile(
    r"(?i:\b(?:mrn|medical\s+record(?:\s+(?:number|no\.?|#))?|patient\s+id)\.?[\s:#]*)"
    r"(?P<value>[A-Z]{0,3}-?\d[\d-]{3,12}\d)\b"
)
_STREET_SUFFIX = (
    r"(?:Street|St|Avenue|Ave|Boulevard|Blvd|Road|Rd|Drive|Dr|Lane|Ln|Court|Ct|Place|Pl|"
    r"Parkway|Pkwy|Terrace|Ter|Way|Highway|Hwy|Circle|Cir|Square|Sq)"
)
_ADDRESS = re.compile(
    r"\b\d{1,6}\s+(?:[NSEW]\.?\s+)?(?:(?:\d{1,3}(?:st|nd|rd|th)|[A-Z][a-zA-Z'-]+)\.?\s+){1,3}"
    rf"{_STREET_SUFFIX}\b\.?"
    r"(?:,?\s*(?:Apt|Apartment|Unit|Suite|Ste|Fl|Floor)\.?\s*#?\s*[A-Z0-9-]+|,?\s*#\s*[A-Z0-9-]+)?"
    r"(?:,\s*[A-Z][a-zA-Z]+(?:\s+[A-Z][a-zA-Z]+)?,\s*(?:IL|Illinois)(?:\s+\d{5}(?:-\d{4})?)?)?"
)
_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_DATE_OF_BIRTH = re.compile(
    r"(?i:\b(?:dob|d\.o\.b\.?|date\s+of\s+birth|born(?:\s+on)?|birth\s*date)[\s:,-]*)"
    r"(?P<value>\d{1,2}/\d{1,2}/\d{2,4}|\d{4}-\d{2}-\d{2}|"
    rf"{_MONTHS}\.?\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTHS}\.?\s+\d{{4}})"
)
_NAME_TOKEN = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")
_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr"})
_INITIAL = re.compile(r"[^\W\d_]\.?")


def _luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _is_official(domain: str, official: frozenset[str]) -> bool:
    domain = domain.lower()
    return any(domain == d or domain.endswith("." + d) for d in official)


Span = tuple[int, int, FindingKind]


def _simple(
    pattern: re.Pattern[str], kind: FindingKind, group: str | int = 0
) -> Callable[[str, DetectionRules], Iterable[Span]]:
    def find(text: str, _rules: DetectionRules) -> Iterable[Span]:
        for match in pattern.finditer(text):
            yield match.start(group), match.end(group), kind

    return find


def _emails(text: str, rules: DetectionRules) -> Iterable[Span]:
    for match in _EMAIL.finditer(text):
        if not _is_official(match.group("domain"), rules.official_email_domains):
            yield match.start(), match.end(), FindingKind.EMAIL


def _financial(text: str, _rules: DetectionRules) -> Iterable[Span]:
    for match in _CARD.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if _luhn_valid(digits):
            yield match.start(), match.end(), FindingKind.FINANCIAL
    for match in _ACCOUNT.finditer(text):
        yield match.start("value"), match.end("value"), FindingKind.FINANCIAL


_PATTERN_FINDERS: tuple[Callable[[str, DetectionRules], Iterable[Span]], ...] = (
    _simple(_SSN, FindingKind.SSN),
    _simple(_SSN_LABELLED, FindingKind.SSN, "value"),
    _simple(_PHONE, FindingKind.PHONE),
    _simple(_PHONE_BARE, FindingKind.PHONE),
    _emails,
    _simple(_DRIVERS_LICENCE, FindingKind.DRIVERS_LICENCE),
    _simple(_PLATE, FindingKind.PLATE, "value"),
    _financial,
    _simple(_MEDICAL, FindingKind.MEDICAL, "value"),
    _simple(_ADDRESS, FindingKind.ADDRESS),
    _simple(_DATE_OF_BIRTH, FindingKind.DATE_OF_BIRTH, "value"),
)

# When two findings overlap, the more specific kind wins; then the longer one.
_PRIORITY = {
    FindingKind.EMAIL: 0,
    FindingKind.SSN: 1,
    FindingKind.DRIVERS_LICENCE: 2,
    FindingKind.MEDICAL: 3,
    FindingKind.DATE_OF_BIRTH: 4,
    FindingKind.PLATE: 5,
    FindingKind.FINANCIAL: 6,
    FindingKind.PHONE: 7,
    FindingKind.ADDRESS: 8,
    FindingKind.PERSON_NAME: 9,
}


# --- Names ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NameIndex:
    """The names to look for, as normalised word tuples, and those never to redact."""

    full: frozenset[tuple[str, ...]]
    surnames: frozenset[str]
    given: frozenset[str]
    longest: int
    # First words of the full names: most tokens are not one, and are skipped at once.
    starts: frozenset[str] = frozenset()

    @classmethod
    def build(cls, people: Sequence[KnownPerson]) -> NameIndex:
        return _name_index(tuple(people))

    @classmethod
    def _build(cls, people: Sequence[KnownPerson]) -> NameIndex:
        full: set[tuple[str, ...]] = set()
        surnames: set[str] = set()
        given: set[str] = set()
        protected_words: set[str] = set()
        for person in people:
            names = [person.full_name, *person.aliases]
            if person.public_official:
                for name in names:
                    protected_words.update(normalize(name).split())
                continue
            for name in names:
                words = normalize(name).split()
                if not words:
                    continue
                full.add(tuple(words))
                if len(words) == 1:
                    continue
                surname = words[-1]
                surnames.add(surname)
                variants = given_name_variants(words[0])
                given.update(variants)
                for variant in variants:
                    full.add((variant, surname))
                    # "Vale, Jordan" as in court captions and police reports.
                    full.add((surname, variant))
                    if len(words) > 2:
                        full.add((variant, *words[1:]))
        # A word that also names a public official is not a participant's name on its own.
        return cls(
            full=frozenset(full),
            surnames=frozenset(surnames - protected_words),
            given=frozenset(given - protected_words),
            longest=max((len(words) for words in full), default=0),
            starts=frozenset(words[0] for words in full),
        )


@lru_cache(maxsize=256)
def _name_index(people: tuple[KnownPerson, ...]) -> NameIndex:
    return NameIndex._build(people)


@lru_cache(maxsize=65_536)
def _normal_word(token: str) -> str:
    """One token as the name index holds it; plain ASCII (most tokens) skips the Unicode work."""
    word = token.lower() if token.isascii() else normalize(token)
    return word.removesuffix("'s")


def _names(text: str, index: NameIndex) -> Iterable[Span]:
    tokens = [
        (match.start(), match.end(), match.group(), _normal_word(match.group()))
        for match in _NAME_TOKEN.finditer(text)
    ]
    position = 0
    while position < len(tokens):
        matched = _match_full(tokens, position, index, text)
        if matched:
            yield (
                tokens[position][0],
                _without_possessive(tokens[matched - 1]),
                FindingKind.PERSON_NAME,
            )
            position = matched
            continue
        start, _end, raw, word = tokens[position]
        capitalised = raw[:1].isupper()
        if capitalised and (word in index.surnames or word in index.given):
            yield start, _without_possessive(tokens[position]), FindingKind.PERSON_NAME
        position += 1


def _without_possessive(token: tuple[int, int, str, str]) -> int:
    """Where a name token ends, leaving out a possessive "'s" (the name is what is private)."""
    start, end, raw, _word = token
    return end - 2 if raw[-2:] in {"'s", "\u2019s"} and end - 2 > start else end


def _match_full(
    tokens: list[tuple[int, int, str, str]], position: int, index: NameIndex, text: str
) -> int:
    """The token position just after a full name starting at `position`, or 0."""
    if tokens[position][3] not in index.starts:
        return 0
    for length in range(min(index.longest, len(tokens) - position), 0, -1):
        words = tuple(token[3] for token in tokens[position : position + length])
        if words in index.full and (length > 1 or tokens[position][2][:1].isupper()):
            return position + length
    # Given name, a middle initial or middle name, surname: "Jordan A. Vale".
    if position + 2 < len(tokens):
        first, middle, last = tokens[position : position + 3]
        between = text[first[1] : last[0]]
        if (
            (first[3], last[3]) in index.full
            and _INITIAL.fullmatch(middle[2])
            and len(between) <= 4
        ):
            return position + 3
    return 0


# --- Entry point ----------------------------------------------------------------------------


def detect(
    text: str,
    *,
    known_people: Sequence[KnownPerson] = (),
    rules: DetectionRules | None = None,
) -> list[Finding]:
    """Private information and participants' names in `text`, ordered, without overlaps."""
    active = rules if rules is not None else ruleset_rules()
    spans: list[Span] = []
    for finder in _PATTERN_FINDERS:
        spans.extend(finder(text, active))
    if known_people:
        spans.extend(_names(text, NameIndex.build(known_people)))
    spans.sort(key=lambda span: (_PRIORITY[span[2]], -(span[1] - span[0]), span[0]))
    chosen: list[Span] = []
    # One byte per character: overlap checks stay linear in the text, however many findings.
    taken = bytearray(len(text))
    for start, end, kind in spans:
        if start >= end or any(taken[start:end]):
            continue
        chosen.append((start, end, kind))
        taken[start:end] = b"\x01" * (end - start)
    chosen.sort()
    return [
        Finding(start, end, kind, text[start:end], active.exemption(kind))
        for start, end, kind in chosen
    ]
