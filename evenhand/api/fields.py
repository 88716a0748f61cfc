"""Constrained input types shared by the API's schemas.

They turn input the database would choke on (NUL characters, integers beyond 64 bits, dates
outside what a datetime survives in UTC) into 422 responses at the edge, so no
such value ever reaches a service or a query.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, Field, StrictInt
from pydantic_core import PydanticCustomError

# The largest primary key PostgreSQL's bigint (and SQLite's INTEGER) can hold.
MAX_DB_ID = 2**63 - 1

# Wide enough for any real case record, narrow enough that converting to or from UTC with any
# offset cannot overflow Python's datetime range (which would otherwise raise a 500).
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)


def _reject_nul(value: str) -> str:
    # Lone surrogates ("\ud800") need no check here: pydantic's str validation refuses them.
    if "\x00" in value:
        raise PydanticCustomError(
            "string_nul_character", "Text must not contain NUL (\\u0000) characters."
        )
    return value


def _date_in_range(value: dt.date) -> dt.date:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise PydanticCustomError(
            "date_out_of_range",
            "Date must be between {earliest} and {latest}.",
            {"earliest": EARLIEST_DATE.isoformat(), "latest": LATEST_DATE.isoformat()},
        )
    return value


def _datetime_in_range(value: dt.datetime) -> dt.datetime:
    # Compared on the wall-clock date: calling astimezone() first could itself overflow.
    _date_in_range(value.replace(tzinfo=None).date())
    return value


# Use as `Annotated[str, Field(max_length=...), Storable]`. It must come after the Field: a
# length constraint placed after a validator is checked as a generic "items" length.
Storable = AfterValidator(_reject_nul)

# A primary key in a path or query: positive and within bigint, so lookups never overflow.
DbId = Annotated[int, Field(ge=1, le=MAX_DB_ID)]
# The same in a JSON body, where `true` or "7" for an id is a client bug, not a number.
BodyDbId = Annotated[StrictInt, Field(ge=1, le=MAX_DB_ID)]

# Calendar dates of case records (received, filed, born).
RecordDate = Annotated[dt.date, AfterValidator(_date_in_range)]

# Moments must carry an offset: a naive time is ambiguous in an office spanning DST changes.
RecordDatetime = Annotated[AwareDatetime, AfterValidator(_datetime_in_range)]
