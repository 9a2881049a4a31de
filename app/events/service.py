"""The event feed: oldest first, from a position that never passes an event committed late."""

import base64
import binascii
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import policy
from app.auth.principal import Principal
from app.events.repository import EventRepository
from app.events.schemas import EventFeedQuery, event_document
from app.models import Event
from app.plumbing.errors import InvalidFields

# The position before every event.
_START = (0, 0)


def encode_position(transaction_id: int, seq: int) -> str:
    return base64.urlsafe_b64encode(f"{transaction_id}.{seq}".encode()).decode().rstrip("=")


def decode_position(cursor: str, field: str = "after") -> tuple[int, int]:
    """The feed position a cursor names; anything else is a 422 naming the query ``field``."""
    try:
        transaction_id, seq = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode().split(".")
        position = (int(transaction_id), int(seq))
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidFields.one(["query", field], "not a cursor of this list") from None
    if not all(0 <= part < 2**63 for part in position):
        raise InvalidFields.one(["query", field], "not a cursor of this list")
    return position


class EventService:
    def __init__(self, session: AsyncSession, principal: Principal) -> None:
        self.repository = EventRepository(session)
        self.visibility = policy.account_visibility(principal)

    async def feed(self, query: EventFeedQuery) -> dict[str, Any]:
        """A page of the feed as `EventFeed` JSON values."""
        after = decode_position(query.after) if query.after else _START
        conditions = []
        if query.type is not None:
            conditions.append(Event.type == query.type)
        if query.account_id is not None:
            conditions.append(Event.account_id == query.account_id)
        events = await self.repository.feed(after, conditions, self.visibility, query.limit)
        if not events and after != _START:
            # Every cursor the feed hands out is the position of an event it wrote: one past the newest
            # was never handed out (an empty page would keep it, and miss the events before it).
            newest = await self.repository.last_position()
            if newest is None or after > newest:
                raise InvalidFields.one(
                    ["query", "after"], "not a cursor of this list: it points past the end of the feed"
                )
        page = events[: query.limit]
        last = (page[-1].transaction_id, page[-1].seq) if page else after
        return {
            "items": [event_document(event) for event in page],
            "next_cursor": encode_position(*last),
            "has_more": len(events) > query.limit,
        }
