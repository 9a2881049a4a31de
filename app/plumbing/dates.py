"""The one range of dates and times the service takes, wherever they come from: bodies, query
parameters and cursors alike.

Days run from 1900-01-01 to 2199-12-31 and times from 1900-01-01T00:00:00Z to the end of
2199-12-31 (UTC). Far wider than any account's life, and far enough from the limits of Python and
PostgreSQL that the arithmetic the service does on them (a report's window, a plan's horizon, a
cadence) never overflows. Values must be written as text (RFC 3339 / ISO 8601): a number such as
``0.5`` is refused rather than read as a Unix time.
"""

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BeforeValidator, Field, TypeAdapter

from app.plumbing.errors import InvalidFields

EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2199, 12, 31)
EARLIEST_TIME = datetime.combine(EARLIEST_DAY, time.min, UTC)
LATEST_TIME = datetime.combine(LATEST_DAY, time.max, UTC)

_DAY_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TIME_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}.*")


def _day_text(value: Any) -> Any:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _DAY_TEXT.fullmatch(value):
        raise ValueError("must be a date written YYYY-MM-DD")
    return value


def _time_text(value: Any) -> Any:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _TIME_TEXT.fullmatch(value):
        raise ValueError("must be an RFC 3339 date-time with an offset, such as 2026-11-25T09:30:00Z")
    return value


def _day_in_range(value: date) -> date:
    if not EARLIEST_DAY <= value <= LATEST_DAY:
        raise ValueError(f"must lie between {EARLIEST_DAY} and {LATEST_DAY}")
    return value


def _time_in_range(value: datetime) -> datetime:
    # Aware datetimes compare by their UTC instant without converting, so no offset can overflow here.
    if not EARLIEST_TIME <= value <= LATEST_TIME:
        raise ValueError("must lie between 1900-01-01T00:00:00Z and 2199-12-31T23:59:59Z")
    return value.astimezone(UTC)


Day = Annotated[
    date,
    BeforeValidator(_day_text),
    AfterValidator(_day_in_range),
    Field(description=f"A day, YYYY-MM-DD, from {EARLIEST_DAY} to {LATEST_DAY}."),
]
"""A day the service takes: text, within the range."""

Timestamp = Annotated[
    AwareDatetime,
    BeforeValidator(_time_text),
    AfterValidator(_time_in_range),
    Field(description="An RFC 3339 date-time with an offset, from 1900-01-01T00:00:00Z to 2199-12-31T23:59:59Z."),
]
"""A moment the service takes: text with an offset, within the range, returned in UTC."""

DAY = TypeAdapter(Day)
TIMESTAMP = TypeAdapter(Timestamp)


# Clocks of clients and servers disagree a little; a record a few minutes "ahead" is not the future.
CLOCK_SKEW = timedelta(minutes=5)


def refuse_future(value: datetime | None, now: datetime, field: str) -> None:
    """What has happened cannot lie in the future (a review held tomorrow would move the cadence clock)."""
    if value is not None and value > now + CLOCK_SKEW:
        raise InvalidFields.one(["body", field], f"{field} is in the future; record what has happened")
