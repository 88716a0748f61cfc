"""Business-day arithmetic for response deadlines, with the reason for every skipped day.

Pure Python (no Django): a calendar is built from the `holidays` package for a country and
subdivision, checked against the holiday names the ruleset expects, plus any office closures.
"Within N business days after receipt" is counted from the day after the start date: the start
day itself never counts, whatever kind of day it is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

import holidays as holiday_calendars

OBSERVED_SUFFIX = " (observed)"
# Far beyond any statutory period: a guard against a calendar with no business days at all.
MAX_CALENDAR_SPAN_DAYS = 3660


def long_date(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def short_date(day: dt.date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


class CalendarError(ValueError):
    """The holiday source disagrees with the ruleset, or a date is out of range."""


@dataclass(frozen=True)
class SkippedDay:
    day: dt.date
    reason: str


@dataclass(frozen=True)
class BusinessDayCount:
    """A date N business days after `start`, and how it was reached."""

    start: dt.date
    business_days: int
    due: dt.date
    counted: tuple[dt.date, ...]
    skipped: tuple[SkippedDay, ...]

    def explanation(self) -> str:
        if self.business_days == 0:
            return f"{long_date(self.due)} (no business days added)."
        counted = ", ".join(short_date(d) for d in self.counted)
        lines = [
            (
                f"{self.business_days} business days after {long_date(self.start)}: "
                f"counted {counted}; due {long_date(self.due)}."
            )
        ]
        if self.skipped:
            lines.append(
                "Not counted: "
                + "; ".join(f"{short_date(s.day)} ({s.reason})" for s in self.skipped)
                + "."
            )
        return " ".join(lines)


@dataclass(frozen=True)
class BusinessCalendar:
    country: str
    subdivision: str
    expected_names: frozenset[str]
    closures: Mapping[dt.date, str] = field(default_factory=dict)

    @cached_property
    def _by_year(self) -> dict[int, dict[dt.date, str]]:
        return {}

    def holidays_in(self, year: int) -> dict[dt.date, str]:
        """The year's holidays from the package, refused if it names one the ruleset does not."""
        if year not in self._by_year:
            source = holiday_calendars.country_holidays(
                self.country, subdiv=self.subdivision, years=year
            )
            found = {day: str(name) for day, name in source.items()}
            unknown = sorted(
                {n.removesuffix(OBSERVED_SUFFIX) for n in found.values()} - self.expected_names
            )
            if unknown:
                msg = (
                    f"The holiday calendar for {year} names holidays the ruleset does not list: "
                    f"{', '.join(unknown)}. Update the ruleset after checking the law."
                )
                raise CalendarError(msg)
            self._by_year[year] = found
        return self._by_year[year]

    def non_business_reason(self, day: dt.date) -> str | None:
        """Why `day` is not a business day, or None when it is one."""
        if day.weekday() >= 5:
            return day.strftime("%A")
        holiday = self.holidays_in(day.year).get(day)
        if holiday is not None:
            return f"{holiday}, state holiday"
        closure = self.closures.get(day)
        if closure is not None:
            return f"office closed: {closure}"
        return None

    def is_business_day(self, day: dt.date) -> bool:
        return self.non_business_reason(day) is None

    def add_business_days(self, start: dt.date, business_days: int) -> BusinessDayCount:
        if business_days < 0:
            msg = "A number of business days cannot be negative."
            raise CalendarError(msg)
        counted: list[dt.date] = []
        skipped: list[SkippedDay] = []
        day = start
        while len(counted) < business_days:
            day += dt.timedelta(days=1)
            if (day - start).days > MAX_CALENDAR_SPAN_DAYS:
                msg = f"No {business_days} business days within ten years of {start}."
                raise CalendarError(msg)
            reason = self.non_business_reason(day)
            if reason is None:
                counted.append(day)
            else:
                skipped.append(SkippedDay(day, reason))
        return BusinessDayCount(
            start=start,
            business_days=business_days,
            due=day,
            counted=tuple(counted),
            skipped=tuple(skipped),
        )

    def business_days_between(self, start: dt.date, end: dt.date) -> int:
        """Business days after `start` up to and including `end` (0 when end <= start)."""
        count = 0
        day = start
        while day < end:
            day += dt.timedelta(days=1)
            if self.is_business_day(day):
                count += 1
        return count


def calendar_from(
    *,
    country: str,
    subdivision: str,
    expected_names: Iterable[str],
    closures: Iterable[tuple[str, str]] = (),
) -> BusinessCalendar:
    parsed: dict[dt.date, str] = {}
    for raw_day, reason in closures:
        try:
            parsed[dt.date.fromisoformat(raw_day)] = reason
        except ValueError:
            msg = f"Office closure date {raw_day!r} is not an ISO date (YYYY-MM-DD)."
            raise CalendarError(msg) from None
    return BusinessCalendar(
        country=country,
        subdivision=subdivision,
        expected_names=frozenset(expected_names),
        closures=parsed,
    )


@dataclass(frozen=True)
class RequestDeadlines:
    """A request's response dates: the original, an extension, an agreed date, and which holds."""

    original: BusinessDayCount
    extension: BusinessDayCount | None = None
    agreed_due_on: dt.date | None = None

    @property
    def due(self) -> dt.date:
        if self.agreed_due_on is not None:
            return self.agreed_due_on
        return self.extension.due if self.extension is not None else self.original.due

    def steps(self) -> list[tuple[str, str]]:
        """Each date with how it was computed, for the officer and the letter."""
        rows = [("Original due date", self.original.explanation())]
        if self.extension is not None:
            rows.append(("Extended due date", self.extension.explanation()))
        if self.agreed_due_on is not None:
            rows.append(("Agreed due date", f"{long_date(self.agreed_due_on)}, agreed in writing."))
        return rows


def request_deadlines(
    calendar: BusinessCalendar,
    *,
    received_on: dt.date,
    business_days: int,
    extension_days: int | None = None,
    agreed_due_on: dt.date | None = None,
) -> RequestDeadlines:
    original = calendar.add_business_days(received_on, business_days)
    extension = (
        calendar.add_business_days(original.due, extension_days)
        if extension_days is not None
        else None
    )
    return RequestDeadlines(original=original, extension=extension, agreed_due_on=agreed_due_on)
