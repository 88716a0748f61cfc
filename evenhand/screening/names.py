"""Name matching for conflict checks: case-insensitive, with common nickname variants."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

# Groups of given names that refer to the same person in everyday use. Any two names in a
# group match. Kept deliberately to the common English-language variants.
NICKNAME_GROUPS: tuple[frozenset[str], ...] = tuple(
    frozenset(group.split())
    for group in (
        "robert rob robbie bob bobby bert",
        "william will willie bill billy liam",
        "elizabeth liz lizzie beth betty eliza libby",
        "katherine catherine kathryn kate katie kathy cathy kat",
        "michael mike mikey mick",
        "james jim jimmy jamie",
        "john jon johnny jack",
        "richard rich rick ricky dick",
        "thomas tom tommy",
        "christopher chris kit",
        "christina kristina tina chris christy",
        "valentina tina val",
        "daniel dan danny",
        "matthew matt matty",
        "anthony tony",
        "joseph joe joey",
        "charles charlie chuck chas",
        "margaret maggie meg peggy greta",
        "jennifer jen jenny",
        "patricia pat patty trish tricia",
        "patrick pat paddy",
        "susan sue susie suzanne",
        "deborah debra deb debbie",
        "victoria vicky vicki tori",
        "victor vic",
        "alexander alex alec sasha",
        "alexandra alex sandra sandy sasha",
        "andrew andy drew",
        "benjamin ben benny",
        "calvin cal",
        "martin marty",
        "edward ed eddie ted ned",
        "theodore ted teddy theo",
        "timothy tim timmy",
        "nicholas nick nicky",
        "samuel sam sammy",
        "samantha sam sammie",
        "harold harry hal",
        "henry hank harry",
        "eleanor ellen ellie nell",
        "rosa rose rosie",
        "jordan jordy",
        "dana",
        "priya",
        "paula paulie",
        "reese reece",
        "harriet hattie",
        "abigail abby",
        "rebecca becky becca",
        "stephen steven steve stevie",
        "gregory greg",
        "jeffrey geoffrey jeff",
        "kenneth ken kenny",
        "ronald ron ronnie",
        "donald don donnie",
        "douglas doug",
        "frederick fred freddie",
        "gerald gerry jerry",
        "lawrence larry",
        "leonard leo len lenny",
        "raymond ray",
        "walter walt wally",
    )
)

# Letters of any script, digits; inner hyphens and apostrophes keep a word together.
_WORD = re.compile(r"[^\W_]+(?:['-][^\W_]+)*")
# Letters that carry a stroke rather than a combining accent, so NFKD leaves them alone, and
# typographic apostrophes and hyphens that people type for the plain ones.
_FOLD = str.maketrans(
    {
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "ħ": "h",
        "ŧ": "t",
        "ı": "i",
        "æ": "ae",
        "œ": "oe",
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "\u2010": "-",
        "\u2011": "-",
    }
)


def normalize(text: str) -> str:
    """Case-folded, accents removed, punctuation folded to single spaces; any script."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_FOLD))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(_WORD.findall(plain))


@cache
def given_name_variants(given: str) -> frozenset[str]:
    name = normalize(given)
    variants = {name}
    for group in NICKNAME_GROUPS:
        if name in group:
            variants |= group
    return frozenset(variants)


def name_keys(full_name: str) -> frozenset[str]:
    """Every 'given surname' key a name can be written as, nicknames included.

    'Christina Vale' gives 'christina vale', 'tina vale', 'chris vale', …; a single-word name
    gives just itself. Middle names are ignored.
    """
    words = normalize(full_name).split()
    if len(words) < 2:
        return frozenset(words)
    surname = words[-1]
    return frozenset(f"{variant} {surname}" for variant in given_name_variants(words[0]))


def names_match(a: str, b: str) -> bool:
    return bool(name_keys(a) & name_keys(b))
