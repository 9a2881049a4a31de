"""The agenda as an iCalendar feed (RFC 5545) that Outlook, Google Calendar and Apple Calendar
subscribe to: each review due, open follow-up and open plan action is an event with a stable UID, so
a calendar that fetches the feed again updates its events instead of adding copies."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from icalendar import Calendar, Event

# How long a calendar client waits before fetching the feed again (clients may wait longer).
REFRESH = timedelta(hours=1)
# A follow-up is a promised contact at a moment: shown as a short meeting at that time.
FOLLOW_UP_LENGTH = timedelta(minutes=30)


@dataclass(frozen=True)
class Entry:
    """One event of the feed: a whole day (``day``) or a moment (``at``)."""

    uid: str
    summary: str
    description: str
    day: date | None = None
    at: datetime | None = None


def uid(kind: str, record_id: uuid.UUID) -> str:
    return f"{kind}-{record_id}@kam"


def feed(name: str, entries: Sequence[Entry], now: datetime) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Key account management service//Agenda//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"KAM agenda: {name}")
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH)
    for entry in entries:
        event = Event()
        event.add("uid", entry.uid)
        event.add("dtstamp", now)
        event.add("summary", entry.summary)
        event.add("description", entry.description)
        event.add("transp", "TRANSPARENT")  # a reminder, not time the KAM is busy
        if entry.at is not None:
            event.add("dtstart", entry.at)
            event.add("dtend", entry.at + FOLLOW_UP_LENGTH)
        else:
            assert entry.day is not None
            event.add("dtstart", entry.day)
            event.add("dtend", entry.day + timedelta(days=1))
        calendar.add_component(event)
    return bytes(calendar.to_ical())
