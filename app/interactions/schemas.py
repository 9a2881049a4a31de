"""Request and response bodies for interactions."""

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from app.glossary import InteractionType
from app.glossary import VisitPurpose as Purpose
from app.plumbing.dates import Timestamp
from app.plumbing.pagination import ListQuery
from app.plumbing.schemas import ReadModel, WriteModel, omittable, text

Text = Annotated[str, text(10000)]


class InteractionCreate(WriteModel):
    account_id: uuid.UUID
    type: InteractionType
    purpose: Purpose | None = None
    occurred_at: Timestamp = Field(description="When it happened; not in the future.")
    contact_ids: list[uuid.UUID] = Field(default_factory=list, max_length=100, description="Contacts of the account.")
    summary: Text | None = None
    outcome: Text | None = None
    next_steps: Text | None = None
    next_contact_at: Timestamp | None = Field(
        default=None, description="A follow-up promised (see /v1/follow-ups): not before occurred_at."
    )
    external_id: Annotated[str, text(200, min_length=1)] | None = None
    keeps_follow_up_ids: list[uuid.UUID] = Field(
        default_factory=list,
        max_length=100,
        description="Open follow-ups of the account this interaction keeps: they are marked done, by the caller, "
        "at occurred_at.",
    )


class InteractionUpdate(WriteModel):
    type: InteractionType = omittable()
    purpose: Purpose | None = None
    occurred_at: Timestamp = omittable()
    contact_ids: list[uuid.UUID] = omittable(max_length=100)
    summary: Text | None = None
    outcome: Text | None = None
    next_steps: Text | None = None
    next_contact_at: Timestamp | None = None
    external_id: Annotated[str, text(200, min_length=1)] | None = None


class InteractionRead(ReadModel):
    id: uuid.UUID
    version: int
    account_id: uuid.UUID
    type: InteractionType
    purpose: Purpose | None
    occurred_at: datetime
    contact_ids: list[uuid.UUID]
    summary: str | None
    outcome: str | None
    next_steps: str | None
    next_contact_at: datetime | None
    external_id: str | None
    created_at: datetime
    updated_at: datetime


InteractionSort = Literal["occurred_at", "-occurred_at", "created_at", "-created_at", "updated_at", "-updated_at"]


class InteractionListQuery(ListQuery):
    account_id: uuid.UUID | None = None
    external_id: Annotated[str, text(200, min_length=1)] | None = Field(
        default=None, description="The record a CRM knows by this key."
    )
    type: InteractionType | None = None
    purpose: Purpose | None = None
    contact_id: uuid.UUID | None = Field(default=None, description="Interactions this contact took part in.")
    occurred_from: Timestamp | None = None
    occurred_to: Timestamp | None = None
    updated_since: Timestamp | None = None
    sort: InteractionSort = "-occurred_at"
