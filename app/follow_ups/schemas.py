"""Request and response bodies of follow-ups."""

import uuid
from datetime import datetime

from pydantic import Field

from app.glossary import InteractionType
from app.kit.dates import Timestamp
from app.kit.pagination import ListQuery
from app.kit.schemas import ReadModel


class FollowUpRead(ReadModel):
    interaction_id: uuid.UUID = Field(description="The interaction that promised it.")
    account_id: uuid.UUID
    account_name: str
    owner_id: uuid.UUID | None = Field(description="The account's owner.")
    promised_at: datetime = Field(description="When the promising interaction took place.")
    due_at: datetime = Field(description="The interaction's next_contact_at.")
    type: InteractionType = Field(description="The promising interaction's type.")
    next_steps: str | None
    days_late: int = Field(description="Whole days past due at the moment of the request; 0 when not yet due.")
    overdue: bool = Field(description="Due before the moment of the request.")


class FollowUpListQuery(ListQuery):
    owner_id: uuid.UUID | None = Field(default=None, description="Follow-ups of the accounts this user owns.")
    account_id: uuid.UUID | None = None
    due_before: Timestamp | None = Field(default=None, description="Due before this time.")
    overdue: bool | None = Field(default=None, description="true: already due; false: not yet due.")
