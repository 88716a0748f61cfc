"""Generate a synthetic prosecutor's office into a scratch database.

    .venv/bin/python -m bench.generate --db sqlite --cases 100000
    .venv/bin/python -m bench.generate --db postgres --cases 1000 --force

Benchmark data is written straight into the tables in bulk (COPY on PostgreSQL, executemany on
SQLite). It does NOT go through the audited services, writes no audit entries and is not a
demo: it exists only to give the benchmarks realistic volumes. All people are invented: random
combinations of the small name lists in bench/names.py. Charges are drawn from the statutes of
the active jurisdiction ruleset. The same seed gives the same office.

Default sizes follow --cases N: 3N participants (one person each), 10N charge rows, about 5N case
events, one lead assignment per case (some with a second member), ~3% of people with an alias.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bench.common import (
    Target,
    add_target_arguments,
    analyze,
    apply_pending_migrations,
    bulk_insert,
    database_exists,
    read_meta,
    recreate_database,
    reset_sequences,
    setup_django,
    target_from_args,
    write_meta,
)
from bench.names import FIRST_NAMES, LAST_NAMES

# Bump when the shape of generated data changes, so stale scratch databases are rebuilt.
GENERATOR_VERSION = "1"
LOGIN_USERNAME = "bench-asa"
STAFF_ASAS = 40
FIRST_DAY = dt.date(2011, 1, 1)
LAST_DAY = dt.date(2025, 12, 31)
AMENDED_SHARE = 0.03
ALIAS_SHARE = 0.03

# (status, weight). Cases still in intake or felony review carry no charges yet.
STATUS_WEIGHTS = (
    ("intake", 4),
    ("felony_review", 6),
    ("charged", 25),
    ("disposed", 25),
    ("closed", 40),
)
CHARGED_STATUSES = frozenset({"charged", "disposed", "closed"})
# Roles of participants after the first (who is always a defendant).
ROLE_WEIGHTS = (
    ("defendant", 15),
    ("victim", 30),
    ("witness", 28),
    ("complainant", 7),
    ("reporting_officer", 12),
    ("relative", 5),
    ("defence_attorney", 3),
)
EVENT_KINDS = (
    ("investigation", 25),
    ("arrest", 15),
    ("release", 8),
    ("felony_review", 10),
    ("hearing", 30),
    ("note", 12),
)
AGENCIES = (
    "Chicago Police Department, District 4",
    "Chicago Police Department, District 11",
    "Cook County Sheriff's Police",
    "Evanston Police Department",
    "Oak Park Police Department",
    "Illinois State Police, District Chicago",
)
EVENT_PHRASES = {
    "investigation": "Follow-up interview scheduled; supplementary report requested from {agency}.",
    "arrest": "Arrest of {name} reported by {agency}; booked and processed.",
    "release": "{name} released on pretrial conditions after detention hearing.",
    "felony_review": "Felony review: assistant reviewed reports and approved charges as presented.",
    "hearing": "Status hearing before the court; matter continued by agreement to a later date.",
    "note": "Discovery tendered to defence counsel; receipt acknowledged.",
}


@dataclass(frozen=True)
class Sizes:
    cases: int
    participants: int
    charges: int
    events_per_case: int = 5

    @classmethod
    def for_cases(cls, cases: int) -> Sizes:
        return cls(cases=cases, participants=3 * cases, charges=10 * cases)

    @property
    def label(self) -> str:
        standard = Sizes.for_cases(self.cases)
        if self == standard:
            return f"office-{self.cases}"
        return f"office-{self.cases}-{self.participants}-{self.charges}-{self.events_per_case}"


@dataclass
class Tables:
    """Rows for each table, in the field order of COLUMNS."""

    persons: list[tuple[Any, ...]] = field(default_factory=list)
    aliases: list[tuple[Any, ...]] = field(default_factory=list)
    cases: list[tuple[Any, ...]] = field(default_factory=list)
    assignments: list[tuple[Any, ...]] = field(default_factory=list)
    participants: list[tuple[Any, ...]] = field(default_factory=list)
    role_changes: list[tuple[Any, ...]] = field(default_factory=list)
    charges: list[tuple[Any, ...]] = field(default_factory=list)
    events: list[tuple[Any, ...]] = field(default_factory=list)
    charge_rows_by_case: dict[int, int] = field(default_factory=dict)


COLUMNS: dict[str, tuple[str, ...]] = {
    "persons": ("id", "first_name", "last_name", "middle_name", "date_of_birth", "created_at"),
    "aliases": ("id", "person", "name", "created_at"),
    "cases": (
        "id", "number", "title", "status", "received_on", "summary", "created_at", "updated_at",
        "special_prosecution",
    ),
    "assignments": ("id", "case", "user", "role", "assigned_at", "ended_at"),
    "participants": ("id", "case", "person", "role", "added_at"),
    "role_changes": (
        "id", "participant", "from_role", "to_role", "changed_at", "changed_by", "reason",
    ),
    "charges": (
        "id", "case", "participant", "statute_key", "citation", "offense_title", "offense_class",
        "count_number", "version", "is_current", "previous", "filed_on", "created_at",
        "created_by",
    ),
    "events": ("id", "case", "kind", "occurred_at", "summary", "recorded_by", "recorded_at"),
}  # fmt: skip


def _weighted(rng: random.Random, table: Sequence[tuple[str, int]]) -> str:
    return rng.choices([name for name, _ in table], weights=[weight for _, weight in table])[0]


def _at(day: dt.date, minutes: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(14, 0), tzinfo=dt.UTC) + dt.timedelta(minutes=minutes)


class OfficeBuilder:
    """Builds every row in memory (deterministically from the seed), then the caller loads it."""

    def __init__(self, sizes: Sizes, seed: int, staff_ids: Sequence[int]) -> None:
        if sizes.participants < sizes.cases:
            msg = "need at least one participant (the defendant) per case"
            raise ValueError(msg)
        self.sizes = sizes
        self.rng = random.Random(seed)
        self.staff_ids = list(staff_ids)
        from evenhand.jurisdictions.ruleset import active_ruleset  # noqa: PLC0415

        self.statutes = [
            (key, statute.citation.split(";")[0].strip(), statute.title, statute.offense_class)
            for key, statute in sorted(active_ruleset().statutes.items())
        ]
        self.tables = Tables()
        self.next_id = dict.fromkeys(COLUMNS, 1)

    def _id(self, table: str) -> int:
        value = self.next_id[table]
        self.next_id[table] = value + 1
        return value

    def build(self) -> Tables:
        rng = self.rng
        n = self.sizes.cases
        span = (LAST_DAY - FIRST_DAY).days
        days = sorted(FIRST_DAY + dt.timedelta(days=rng.randrange(span + 1)) for _ in range(n))
        statuses = [_weighted(rng, STATUS_WEIGHTS) for _ in range(n)]
        people_per_case = [1] * n
        for _ in range(self.sizes.participants - n):
            people_per_case[rng.randrange(n)] += 1
        charges_per_case = self._plan_charges(statuses)
        serial_by_year: dict[int, int] = {}
        for index in range(n):
            year = days[index].year
            serial_by_year[year] = serial_by_year.get(year, 0) + 1
            self._case(
                day=days[index],
                number=f"{year}-CR-{serial_by_year[year]:06d}",
                status=statuses[index],
                people=people_per_case[index],
                charge_rows=charges_per_case[index],
            )
        return self.tables

    def _plan_charges(self, statuses: Sequence[str]) -> list[int]:
        """Spread exactly `sizes.charges` rows over charged cases, heavy-tailed like real
        caseloads (most cases carry a few counts, a few carry hundreds)."""
        rng = self.rng
        eligible = [index for index, status in enumerate(statuses) if status in CHARGED_STATUSES]
        if not eligible:
            eligible = list(range(len(statuses)))
        weights = [min(rng.paretovariate(1.3), 150.0) for _ in eligible]
        per_case = [0] * len(statuses)
        for pick in rng.choices(eligible, weights=weights, k=self.sizes.charges):
            per_case[pick] += 1
        return per_case

    def _case(
        self, *, day: dt.date, number: str, status: str, people: int, charge_rows: int
    ) -> None:
        rng = self.rng
        t = self.tables
        case_id = self._id("cases")
        lead = rng.choice(self.staff_ids)
        opened = _at(day, rng.randrange(0, 240))
        t.assignments.append((self._id("assignments"), case_id, lead, "lead", opened, None))
        if rng.random() < 0.3:
            member = rng.choice(self.staff_ids)
            if member != lead:
                t.assignments.append(
                    (self._id("assignments"), case_id, member, "member", opened, None)
                )
        defendants: list[tuple[int, str]] = []
        for position in range(people):
            role = "defendant" if position == 0 else _weighted(rng, ROLE_WEIGHTS)
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            person_id = self._person(first, last, opened)
            participant_id = self._id("participants")
            added = opened + dt.timedelta(minutes=position)
            t.participants.append((participant_id, case_id, person_id, role, added))
            t.role_changes.append(
                (self._id("role_changes"), participant_id, "", role, added, lead, "")
            )
            if role == "defendant":
                defendants.append((participant_id, f"{first} {last}"))
        first_defendant = defendants[0][1]
        last_name = first_defendant.split(" ", 1)[1]
        title = f"People v. {last_name}, {first_defendant.split(' ', 1)[0]}"
        agency = rng.choice(AGENCIES)
        summary = (
            f"Referral from {agency} concerning {first_defendant} and {people - 1} other "
            f"participant(s); reports, statements and evidence inventory received for review."
        )
        updated = opened + dt.timedelta(days=rng.randrange(0, 400))
        # special_prosecution: "none" (handled by the office), as the column's migration sets
        # for existing rows; COPY does not apply Django field defaults.
        t.cases.append((case_id, number, title, status, day, summary, opened, updated, "none"))
        filings = self._charges(case_id, day, lead, defendants, charge_rows)
        self._events(
            case_id=case_id,
            day=day,
            lead=lead,
            agency=agency,
            name=first_defendant,
            filings=filings,
        )

    def _person(self, first: str, last: str, created: dt.datetime) -> int:
        rng = self.rng
        person_id = self._id("persons")
        middle = rng.choice("ABCDEFGHJKLMNPRSTW") + "." if rng.random() < 0.25 else ""
        birth: dt.date | None = None
        if rng.random() < 0.92:
            birth = dt.date(1945, 1, 1) + dt.timedelta(days=rng.randrange(62 * 365))
        self.tables.persons.append((person_id, first, last, middle, birth, created))
        if rng.random() < ALIAS_SHARE:
            alias = f"{rng.choice(FIRST_NAMES)} {last}"
            if alias != f"{first} {last}":
                self.tables.aliases.append((self._id("aliases"), person_id, alias, created))
        return person_id

    def _charges(
        self,
        case_id: int,
        day: dt.date,
        lead: int,
        defendants: Sequence[tuple[int, str]],
        rows: int,
    ) -> list[tuple[dt.date, str, int]]:
        """Charge rows for one case; returns (filed_on, citation, counts) per filing for events."""
        rng = self.rng
        t = self.tables
        t.charge_rows_by_case[case_id] = rows
        share = [0] * len(defendants)
        for _ in range(rows):
            share[rng.randrange(len(defendants))] += 1
        filings: list[tuple[dt.date, str, int]] = []
        for (participant_id, _name), budget in zip(defendants, share, strict=True):
            if budget == 0:
                continue
            filed_on = day + dt.timedelta(days=rng.randint(1, 45))
            created = _at(filed_on, rng.randrange(0, 300))
            chosen = rng.sample(self.statutes, k=min(len(self.statutes), rng.randint(1, 3)))
            count_number = 0
            left = budget
            while left > 0:
                count_number += 1
                key, citation, title, offense_class = rng.choice(chosen)
                amended = left >= 2 and rng.random() < AMENDED_SHARE
                previous: int | None = None
                if amended:
                    old_key, old_citation, old_title, old_class = rng.choice(self.statutes)
                    previous = self._id("charges")
                    t.charges.append((
                        previous, case_id, participant_id, old_key, old_citation, old_title,
                        old_class, count_number, 1, False, None, filed_on, created, lead,
                    ))  # fmt: skip
                    left -= 1
                t.charges.append((
                    self._id("charges"), case_id, participant_id, key, citation, title,
                    offense_class, count_number, 2 if amended else 1, True, previous,
                    filed_on, created, lead,
                ))  # fmt: skip
                left -= 1
            filings.append((filed_on, chosen[0][1], count_number))
        return filings

    def _events(
        self,
        *,
        case_id: int,
        day: dt.date,
        lead: int,
        agency: str,
        name: str,
        filings: Sequence[tuple[dt.date, str, int]],
    ) -> None:
        rng = self.rng
        t = self.tables
        target = self.sizes.events_per_case
        count = max(1, rng.randint(target - 3, target + 3)) - 1 - len(filings)
        when = _at(day, rng.randrange(0, 120))
        entries = [(when, "report_received", f"Police report received from {agency}.")]
        entries.extend(
            (
                _at(filed_on, 60),
                "charge_filed",
                f"{name}: {counts} count(s) filed, lead citation {citation}",
            )
            for filed_on, citation, counts in filings
        )
        for _ in range(max(0, count)):
            when = when + dt.timedelta(days=rng.randint(1, 60), minutes=rng.randrange(600))
            kind = _weighted(rng, EVENT_KINDS)
            entries.append((when, kind, EVENT_PHRASES[kind].format(agency=agency, name=name)))
        for occurred, kind, summary in entries:
            t.events.append((self._id("events"), case_id, kind, occurred, summary, lead, occurred))


def _create_staff(rng: random.Random) -> tuple[int, list[int]]:
    """The login user of the web benchmark plus a pool of assistant state's attorneys."""
    from django.contrib.auth.hashers import make_password  # noqa: PLC0415

    from evenhand.accounts.models import Role, User  # noqa: PLC0415

    unusable = make_password(None)
    users = [
        User(
            username=LOGIN_USERNAME,
            first_name="Bench",
            last_name="Runner",
            role=Role.ASSISTANT_STATES_ATTORNEY,
            password=unusable,
        )
    ]
    users.extend(
        User(
            username=f"asa-{index:02d}",
            first_name=rng.choice(FIRST_NAMES),
            last_name=rng.choice(LAST_NAMES),
            role=Role.ASSISTANT_STATES_ATTORNEY,
            password=unusable,
        )
        for index in range(1, STAFF_ASAS + 1)
    )
    created = User.objects.bulk_create(users)
    return created[0].pk, [user.pk for user in created[1:]]


def generate_office(sizes: Sizes, seed: int, *, verbose: bool = True) -> dict[str, object]:
    """Fill the (freshly migrated) current database; returns the notes kept in bench_meta."""
    from django.db import connection, transaction  # noqa: PLC0415

    from evenhand.cases.models import (  # noqa: PLC0415
        Case,
        CaseAssignment,
        CaseEvent,
        Charge,
        Participant,
        ParticipantRoleChange,
        Person,
        PersonAlias,
    )

    started = time.perf_counter()
    rng = random.Random(seed)
    login_id, staff = _create_staff(rng)
    tables = OfficeBuilder(sizes, seed, staff).build()
    built = time.perf_counter()
    if verbose:
        print(f"built rows in memory in {built - started:.1f}s")
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-262144")
    plan: list[tuple[str, type[Any]]] = [
        ("persons", Person),
        ("aliases", PersonAlias),
        ("cases", Case),
        ("assignments", CaseAssignment),
        ("participants", Participant),
        ("role_changes", ParticipantRoleChange),
        ("charges", Charge),
        ("events", CaseEvent),
    ]
    counts: dict[str, int] = {}
    for name, model in plan:
        rows = getattr(tables, name)
        start = time.perf_counter()
        with transaction.atomic():
            counts[name] = bulk_insert(model, COLUMNS[name], rows)
        if verbose:
            elapsed = time.perf_counter() - start
            print(f"  {name:<13} {counts[name]:>10,} rows in {elapsed:6.1f}s")
        setattr(tables, name, [])  # free memory as we go
    reset_sequences([model for _, model in plan])
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=NORMAL")
    start = time.perf_counter()
    analyze()
    if verbose:
        print(f"  analyze in {time.perf_counter() - start:.1f}s")
    by_size = sorted(tables.charge_rows_by_case.items(), key=lambda item: (item[1], item[0]))
    elapsed = time.perf_counter() - started
    return {
        "generator_version": GENERATOR_VERSION,
        "label": sizes.label,
        "seed": seed,
        "cases": counts["cases"],
        "persons": counts["persons"],
        "participants": counts["participants"],
        "charges": counts["charges"],
        "events": counts["events"],
        "assignments": counts["assignments"],
        "aliases": counts["aliases"],
        "login_user_id": login_id,
        "login_username": LOGIN_USERNAME,
        "smallest_case_id": by_size[0][0] if by_size else 1,
        "largest_case_id": by_size[-1][0] if by_size else 1,
        "largest_case_charge_rows": by_size[-1][1] if by_size else 0,
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "generate_seconds": round(elapsed, 1),
    }


def ensure_office(
    target: Target, sizes: Sizes, *, seed: int = 20240601, force: bool = False, verbose: bool = True
) -> dict[str, str]:
    """Reuse the target's generated office if it matches, otherwise (re)generate it.
    Django must already be set up for `target`."""
    if not force and database_exists(target):
        meta = read_meta()
        if (
            meta.get("generator_version") == GENERATOR_VERSION
            and meta.get("label") == sizes.label
            and meta.get("seed") == str(seed)
        ):
            applied = apply_pending_migrations()
            if verbose:
                print(f"reusing {target.describe()} (generated {meta.get('generated_at')})")
                if applied:
                    print(f"applied the project's new migrations: {', '.join(applied)}")
            return meta
    if verbose:
        print(f"generating {sizes.label} into {target.describe()} ...")
    recreate_database(target)
    notes = generate_office(sizes, seed, verbose=verbose)
    write_meta(notes)
    if verbose:
        print(f"generated in {notes['generate_seconds']}s")
    return {key: str(value) for key, value in notes.items()}


def add_size_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cases", type=int, default=100_000, help="number of cases (100000)")
    parser.add_argument("--participants", type=int, help="participants (default 3 x cases)")
    parser.add_argument("--charges", type=int, help="charge rows (default 10 x cases)")
    parser.add_argument("--events-per-case", type=int, default=5, help="average case events (5)")
    parser.add_argument("--seed", type=int, default=20240601)


def sizes_from_args(args: argparse.Namespace) -> Sizes:
    return Sizes(
        cases=args.cases,
        participants=args.participants if args.participants is not None else 3 * args.cases,
        charges=args.charges if args.charges is not None else 10 * args.cases,
        events_per_case=args.events_per_case,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    add_target_arguments(parser)
    add_size_arguments(parser)
    parser.add_argument("--force", action="store_true", help="regenerate even if it exists")
    args = parser.parse_args(argv)
    sizes = sizes_from_args(args)
    target = target_from_args(args, sizes.label)
    setup_django(target)
    meta = ensure_office(target, sizes, seed=args.seed, force=args.force)
    for key in sorted(meta):
        print(f"  {key}: {meta[key]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
