"""Request and response bodies of the event feed."""

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from app.glossary import EventType
from app.plumbing.pagination import DEFAULT_LIMIT, MAX_LIMIT
from app.plumbing.schemas import ReadModel


class EventRead(ReadModel):
    id: uuid.UUID = Field(description="The event's id: the same however often it is delivered.")
    type: EventType
    occurred_at: datetime
    account_id: uuid.UUID | None = Field(description="The account the record belongs to; null for rules.changed.")
    entity_type: str = Field(description="account, tier_change, contact, opportunity, plan, interaction, review, rules")
    entity_id: str
    entity_version: int | None = Field(description="The record's version after the change, for versioned records.")
    data: dict[str, Any] = Field(
        description="The record as its own endpoint reads it, after the change (before it, for a deletion)."
    )


class EventFeed(BaseModel):
    items: list[EventRead] = Field(description="Oldest first.")
    next_cursor: str = Field(description="Pass as `after` to read on from here; kept when there is nothing new.")
    has_more: bool = Field(description="More events are ready now; otherwise poll again later with `next_cursor`.")


class EventFeedQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    after: str | None = Field(
        default=None, max_length=200, description="`next_cursor` of the previous answer; none reads from the start."
    )
    type: EventType | None = None
    account_id: uuid.UUID | None = None
    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Page size.")
