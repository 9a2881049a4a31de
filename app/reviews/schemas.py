"""Request and response bodies for account reviews."""

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from app.plumbing.dates import Timestamp
from app.plumbing.pagination import ListQuery
from app.plumbing.schemas import ReadModel, WriteModel, omittable, text

Text = Annotated[str, text(10000)]


class ReviewCreate(WriteModel):
    account_id: uuid.UUID
    held_at: Timestamp = Field(description="When the review was held; not in the future.")
    attendee_ids: list[uuid.UUID] = Field(default_factory=list, max_length=100, description="Users who attended.")
    summary: Text | None = None
    decisions: Text | None = None


class ReviewUpdate(WriteModel):
    held_at: Timestamp = omittable()
    attendee_ids: list[uuid.UUID] = omittable(max_length=100)
    summary: Text | None = None
    decisions: Text | None = None


class ReviewRead(ReadModel):
    id: uuid.UUID
    version: int
    account_id: uuid.UUID
    held_at: datetime
    attendee_ids: list[uuid.UUID]
    summary: str | None
    decisions: str | None
    created_at: datetime
    updated_at: datetime


ReviewSort = Literal["held_at", "-held_at", "created_at", "-created_at", "updated_at", "-updated_at"]


class ReviewListQuery(ListQuery):
    account_id: uuid.UUID | None = None
    held_from: Timestamp | None = None
    held_to: Timestamp | None = None
    updated_since: Timestamp | None = None
    sort: ReviewSort = "-held_at"
