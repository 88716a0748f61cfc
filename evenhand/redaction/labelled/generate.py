"""Generate the labelled redaction set: realistic fictional case messages and reports with
every piece of private information and every participant's name marked by type.

Seeded, so the output is reproducible: `python -m evenhand.redaction.labelled.generate`
rewrites `messages.jsonl` beside this file. The people are the SCENARIO.md cast plus invented
names; numbers are made up (phone exchanges, SSN areas and card numbers are random but
well-formed, so the detector's validity rules are exercised).

Besides what must be redacted, the texts carry what must not be: public officials' names and
official e-mail addresses, case and report numbers, statute citations, money amounts, dates
that are not birth dates, court rooms and badge numbers, invalid SSNs.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent / "messages.jsonl"
SEED = 20190129
DOCUMENTS = 240

OFFICIALS = [
    ("Dana", "Whitlock"),
    ("Martin", "Keogh"),
    ("Priya", "Raman"),
    ("Ana", "Ruiz"),
    ("Victor", "Lang"),
    ("Rosa", "Castellanos"),
    ("Harold", "Weiss"),
    ("Paula", "Brandt"),
    ("Ellen", "Park"),
]
CAST = [("Jordan", "Vale"), ("Christina", "Vale"), ("Calvin", "Dunmore"), ("Reese", "Dunmore")]
NICKNAMES = {
    "Christina": "Tina",
    "Calvin": "Cal",
    "Robert": "Bob",
    "William": "Bill",
    "Katherine": "Kate",
    "Michael": "Mike",
    "Elizabeth": "Liz",
    "Anthony": "Tony",
    "Margaret": "Peggy",
    "Patricia": "Trish",
    "Samuel": "Sam",
    "Daniel": "Danny",
}
FIRST = [
    "Robert",
    "William",
    "Katherine",
    "Michael",
    "Elizabeth",
    "Anthony",
    "Margaret",
    "Patricia",
    "Samuel",
    "Daniel",
    "Imani",
    "Luis",
    "Mei",
    "Tomasz",
    "Aaliyah",
    "Omar",
    "Grace",
    "Dmitri",
    "Keisha",
    "Andrés",
    "Noor",
    "Hannah",
    "Jamal",
    "Siobhan",
]
LAST = [
    "Okafor",
    "Brennan",
    "Kowalczyk",
    "Delgado",
    "Nakamura",
    "Haddad",
    "Ferris",
    "Lindqvist",
    "Achebe",
    "Moreau",
    "Petrakis",
    "Quintero",
    "Sandoval",
    "Whitaker",
    "Yilmaz",
    "Oduya",
    "Castellano",
    "Marchetti",
    "Abernathy",
    "Szymanski",
]
STREETS = [
    "Fullerton",
    "Halsted",
    "Ashland",
    "Western",
    "Kedzie",
    "Pulaski",
    "Cicero",
    "Belmont",
    "Diversey",
    "Lawrence",
    "Devon",
    "Irving Park",
    "Lake Shore",
    "Archer",
    "Cermak",
    "Roosevelt",
    "Division",
    "Chicago",
    "Milwaukee",
    "Ogden",
]
SUFFIXES = ["Ave", "Avenue", "St", "Street", "Blvd", "Rd", "Drive", "Dr.", "Pkwy", "Ct"]
PERSONAL_DOMAINS = [
    "gmail.com",
    "yahoo.com",
    "outlook.com",
    "icloud.com",
    "hotmail.com",
    "comcast.net",
    "proton.me",
]
OFFICIAL_DOMAINS = ["cookcountysao.org", "chicagopolice.org", "cookcountyil.gov"]
AREAS = ["312", "773", "708", "847", "630", "872"]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


@dataclass
class Person:
    first: str
    last: str
    official: bool = False
    aliases: tuple[str, ...] = ()

    @property
    def full(self) -> str:
        return f"{self.first} {self.last}"


@dataclass
class Builder:
    """Text assembled piece by piece, remembering where each labelled piece landed."""

    parts: list[str] = field(default_factory=list)
    spans: list[dict[str, object]] = field(default_factory=list)
    length: int = 0

    def add(self, text: str, kind: str | None = None) -> Builder:
        if kind is not None:
            self.spans.append({"start": self.length, "end": self.length + len(text), "type": kind})
        self.parts.append(text)
        self.length += len(text)
        return self

    @property
    def text(self) -> str:
        return "".join(self.parts)


class Values:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def phone(self) -> str:
        r = self.rng
        area, exchange, line = (
            r.choice(AREAS),
            f"{r.randint(2, 9)}{r.randint(10, 99)}",
            f"{r.randint(0, 9999):04d}",
        )
        formats = [
            f"({area}) {exchange}-{line}",
            f"{area}-{exchange}-{line}",
            f"{area}.{exchange}.{line}",
            f"+1 {area} {exchange} {line}",
            f"1-{area}-{exchange}-{line}",
            f"{area} {exchange} {line}",
            f"{area}{exchange}{line}",
        ]
        phone = r.choice(formats)
        if r.random() < 0.12:
            phone += r.choice([" ext. ", " x", " extension "]) + str(r.randint(10, 9999))
        return phone

    def email(self, person: Person) -> str:
        r = self.rng
        local = r.choice(
            [
                f"{person.first}.{person.last}",
                f"{person.first[0]}{person.last}",
                f"{person.last}{r.randint(1, 99)}",
                f"{person.first}_{r.randint(70, 99)}",
            ]
        )
        return f"{local.lower()}@{r.choice(PERSONAL_DOMAINS)}"

    def official_email(self, person: Person) -> str:
        return f"{person.first.lower()}.{person.last.lower()}@{self.rng.choice(OFFICIAL_DOMAINS)}"

    def ssn(self) -> str:
        r = self.rng
        area = r.choice([a for a in range(1, 900) if a != 666])
        group, serial = r.randint(1, 99), r.randint(1, 9999)
        sep = r.choice(["-", "-", "-", " "])
        return f"{area:03d}{sep}{group:02d}{sep}{serial:04d}"

    def licence(self) -> str:
        r = self.rng
        letter = r.choice("ABCDEFGHJKLMNPRSTVWZ")
        digits = f"{r.randint(0, 10**11 - 1):011d}"
        if r.random() < 0.6:
            return f"{letter}{digits[:3]}-{digits[3:7]}-{digits[7:]}"
        return f"{letter}{digits}"

    def plate(self) -> str:
        r = self.rng
        letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
        return r.choice(
            [
                f"{''.join(r.choices(letters, k=3))} {r.randint(1000, 9999)}",
                f"{''.join(r.choices(letters, k=2))} {r.randint(10000, 99999)}",
                f"{r.randint(100000, 9999999)}",
            ]
        )

    def card(self) -> str:
        r = self.rng
        digits = [4] + [r.randint(0, 9) for _ in range(14)]
        total = 0
        for index, value in enumerate(reversed(digits)):
            doubled = value * 2 if index % 2 == 0 else value
            total += doubled - 9 if doubled > 9 else doubled
        digits.append((10 - total % 10) % 10)
        text = "".join(map(str, digits))
        sep = r.choice([" ", "-", ""])
        return sep.join(text[i : i + 4] for i in range(0, 16, 4))

    def account(self) -> str:
        return f"{self.rng.randint(10**7, 10**12 - 1)}"

    def mrn(self) -> str:
        r = self.rng
        return r.choice([f"{r.randint(10**6, 10**8 - 1):08d}", f"MR-{r.randint(10000, 999999)}"])

    def address(self) -> str:
        r = self.rng
        number = r.randint(100, 12999)
        direction = r.choice(["N. ", "S. ", "W. ", "E. ", "North ", "West ", ""])
        address = f"{number} {direction}{r.choice(STREETS)} {r.choice(SUFFIXES)}"
        if r.random() < 0.4:
            address += r.choice([", Apt ", ", Unit ", " #", ", Apt. "]) + r.choice(
                ["3B", "2", "1R", "407", "G"]
            )
        if r.random() < 0.4:
            address += f", Chicago, IL 606{r.randint(0, 60):02d}"
        return address

    def birth_date(self) -> str:
        r = self.rng
        year, month, day = r.randint(1950, 2004), r.randint(1, 12), r.randint(1, 28)
        return r.choice(
            [
                f"{month:02d}/{day:02d}/{year}",
                f"{MONTHS[month - 1]} {day}, {year}",
                f"{year}-{month:02d}-{day:02d}",
            ]
        )


def mention(rng: random.Random, person: Person, builder: Builder) -> None:
    """A participant's name as people write it: full, nickname, honorific, caption, given."""
    style = rng.random()
    kind = None if person.official else "person_name"
    if style < 0.4:
        builder.add(person.full, kind)
    elif style < 0.55 and person.first in NICKNAMES:
        builder.add(f"{NICKNAMES[person.first]} {person.last}", kind)
    elif style < 0.75:
        builder.add(rng.choice(["Mr. ", "Ms. "]))
        builder.add(person.last, kind)
    elif style < 0.85:
        builder.add(f"{person.last}, {person.first}", kind)
    elif style < 0.92 and person.aliases:
        builder.add(person.aliases[0], kind)
    else:
        builder.add(person.first, kind)


Template = Callable[[random.Random, Values, dict[str, Person], Builder], None]


def _contact_message(r: random.Random, v: Values, p: dict[str, Person], b: Builder) -> None:
    b.add(r.choice(["Martin, ", "Priya — ", "FYI: ", ""]))
    mention(r, p["victim"], b)
    b.add(
        r.choice(
            [
                " called again this morning and asked to be reached at ",
                " left a number: ",
                " can be reached on ",
            ]
        )
    )
    b.add(v.phone(), "phone")
    b.add(r.choice([" or by e-mail at ", ", e-mail "]))
    b.add(v.email(p["victim"]), "email")
    b.add(". Please copy ")
    b.add(v.official_email(p["asa"]))
    b.add(f" on anything about case 2019-CR-{r.randint(100, 999):06d}.")


def _police_report(r: random.Random, v: Values, p: dict[str, Person], b: Builder) -> None:
    b.add(f"CPD supplementary report RD# J{r.choice('ABCD')}-{r.randint(100000, 999999)}. ")
    b.add("Reporting officer: Det. ")
    b.add(p["officer"].full)
    b.add(f", Star #{r.randint(1000, 29999)}. Subject ")
    mention(r, p["suspect"], b)
    b.add(", DOB ")
    b.add(v.birth_date(), "date_of_birth")
    b.add(", residing at ")
    b.add(v.address(), "address")
    b.add(". Illinois DL ")
    b.add(v.licence(), "drivers_licence")
    b.add(". Vehicle: grey Honda Accord, plate ")
    b.add(v.plate(), "plate")
    b.add(
        f". Stopped at {r.randint(1, 12)}:{r.randint(0, 59):02d} hrs on "
        f"{r.choice(MONTHS)} {r.randint(1, 28)}, 2019."
    )


def _witness_statement(r: random.Random, v: Values, p: dict[str, Person], b: Builder) -> None:
    b.add("Witness statement taken by ASA ")
    b.add(p["asa"].full)
    b.add(". The witness, ")
    mention(r, p["witness"], b)
    b.add(", says ")
    mention(r, p["victim"], b)
    b.add(r.choice([" paid the brothers with a card ending in ", " handed over a card, number "]))
    b.add(v.card(), "financial")
    b.add(f", and that ${r.randint(1, 9)},{r.randint(100, 999)} changed hands. ")
    b.add(r.choice(["Home phone: ", "Cell: ", "Reach the witness at "]))
    b.add(v.phone(), "phone")
    b.add(".")


def _benefits_note(r: random.Random, v: Values, p: dict[str, Person], b: Builder) -> None:
    b.add("Victim services intake for ")
    mention(r, p["victim"], b)
    b.add(". SSN ")
    b.add(v.ssn(), "ssn")
    b.add(r.choice([". Medical record number ", ". Northwestern MRN ", ". MRN: "]))
    b.add(v.mrn(), "medical")
    b.add(r.choice([". Restitution to account number ", ". Deposit to acct. "]))
    b.add(v.account(), "financial")
    b.add(
        f". Invalid number on the old form (000-{r.randint(10, 99)}-{r.randint(1000, 9999)}) "
        "was not used."
    )


def _court_update(r: random.Random, v: Values, p: dict[str, Person], b: Builder) -> None:
    b.add(f"Courtroom {r.randint(100, 799)}: Judge ")
    b.add(p["judge"].full)
    b.add(r.choice([" continued the matter on the motion of ", " heard argument from "]))
    b.add(p["defence"].full)
    b.add(", counsel for ")
    mention(r, p["suspect"], b)
    b.add(
        f". {r.randint(1, 16)} counts of disorderly conduct (false report), Class 4, "
        f"bond ${r.randint(1, 20)},000. Next date {r.choice(MONTHS)} {r.randint(1, 28)}. "
    )
    b.add("The defendant's mother, ")
    mention(r, p["relative"], b)
    b.add(", asked that notices go to ")
    b.add(v.address(), "address")
    b.add(" and to ")
    b.add(v.email(p["relative"]), "email")
    b.add(".")


def _text_thread(r: random.Random, v: Values, p: dict[str, Person], b: Builder) -> None:
    b.add("From ")
    b.add(p["asa"].first)
    b.add(": talked to ")
    mention(r, p["witness"], b)
    b.add(" again. ")
    mention(r, p["witness"], b)
    b.add(r.choice([" says the new number is ", " gave a new cell, ", " wants calls on "]))
    b.add(v.phone(), "phone")
    b.add(". Born ")
    b.add(v.birth_date(), "date_of_birth")
    b.add(r.choice([", so no juvenile issue.", "; confirm with the clerk."]))
    if r.random() < 0.5:
        b.add(" Also the tag on the car was ")
        b.add(v.plate(), "plate")
        b.add(".")


TEMPLATES: list[Template] = [
    _contact_message,
    _police_report,
    _witness_statement,
    _benefits_note,
    _court_update,
    _text_thread,
]


def _people(rng: random.Random) -> dict[str, Person]:
    def invented() -> Person:
        first = rng.choice(FIRST)
        return Person(
            first,
            rng.choice(LAST),
            aliases=(f"{first[0]}. {rng.choice(LAST)}",) if rng.random() < 0.2 else (),
        )

    cast = [Person(first, last) for first, last in CAST]
    officials = [Person(first, last, official=True) for first, last in OFFICIALS]
    from_cast = rng.random() < 0.4

    def pick() -> Person:
        return rng.choice(cast) if from_cast else invented()

    return {
        "victim": pick(),
        "suspect": pick(),
        "witness": invented(),
        "relative": invented(),
        "asa": rng.choice(officials[:3]),
        "officer": officials[3],
        "defence": officials[4],
        "judge": officials[5],
    }


def generate(seed: int = SEED, count: int = DOCUMENTS) -> list[dict[str, object]]:
    rng = random.Random(seed)  # noqa: S311  (fictional test data, not secrets)
    values = Values(rng)
    documents: list[dict[str, object]] = []
    for number in range(count):
        people = _people(rng)
        builder = Builder()
        template = TEMPLATES[number % len(TEMPLATES)]
        template(rng, values, people, builder)
        known = {person.full: person for person in people.values()}
        documents.append(
            {
                "id": f"doc-{number:04d}",
                "kind": template.__name__.strip("_"),
                "text": builder.text,
                "spans": builder.spans,
                "known_people": [
                    {
                        "full_name": person.full,
                        "aliases": list(person.aliases),
                        "public_official": person.official,
                    }
                    for person in known.values()
                ],
            }
        )
    return documents


def main() -> None:
    with OUTPUT.open("w", encoding="utf-8") as handle:
        for document in generate():
            handle.write(json.dumps(document, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
