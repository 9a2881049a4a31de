"""Request and response bodies of follow-ups."""

import uuid
from datetime import datetime
from typing import Literal

from pydantic import Field

from app.glossary import FollowUpStatus, InteractionType
from app.plumbing.dates import Timestamp
from app.plumbing.pagination import ListQuery
from app.plumbing.schemas import ReadModel, WriteModel, omittable


class FollowUpRead(ReadModel):
    id: uuid.UUID
    version: int
    interaction_id: uuid.UUID = Field(description="The interaction that promised it.")
    account_id: uuid.UUID
    account_name: str
    owner_id: uuid.UUID | None = Field(description="The account's owner.")
    promised_at: datetime = Field(description="When the promising interaction took place.")
    due_at: datetime = Field(description="The promising interaction's next_contact_at.")
    type: InteractionType = Field(description="The promising interaction's type.")
    next_steps: str | None
    status: FollowUpStatus = Field(description="open until marked done or dropped, or kept by an interaction.")
    done_at: datetime | None = Field(description="When it was done or dropped; null while open.")
    done_by: uuid.UUID | None = Field(description="Who marked it, or recorded the interaction that kept it.")
    kept_by_interaction_id: uuid.UUID | None = Field(description="The interaction that kept it, if one did.")
    days_late: int = Field(description="Whole days past due at the moment of the request, while open; else 0.")
    overdue: bool = Field(description="Open and due before the moment of the request.")


class FollowUpUpdate(WriteModel):
    status: FollowUpStatus = omittable(
        description="done: kept; dropped: given up on purpose; open: reopened. Records who and when."
    )


class FollowUpListQuery(ListQuery):
    status: FollowUpStatus | Literal["any"] = Field(default="open", description="Which follow-ups; any for all.")
    owner_id: uuid.UUID | None = Field(default=None, description="Follow-ups of the accounts this user owns.")
    account_id: uuid.UUID | None = None
    due_before: Timestamp | None = Field(default=None, description="Due before this time.")
    overdue: bool | None = Field(default=None, description="true: already due; false: not yet due.")
