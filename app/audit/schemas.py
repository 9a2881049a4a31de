"""Bodies of the audit trail."""

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from app.plumbing.dates import Timestamp
from app.plumbing.pagination import ListQuery
from app.plumbing.schemas import ReadModel


class FieldChange(BaseModel):
    """One field of a recorded change: its value before and after (null when it had none, or for a
    record created or deleted); secrets show as "[secret]"."""

    before: Any
    after: Any


class AuditEntryRead(ReadModel):
    id: uuid.UUID
    occurred_at: datetime
    actor_id: uuid.UUID | None = Field(description="Who; null for the service itself or an anonymous sign-in.")
    token_id: uuid.UUID | None = Field(description="The API token used, when the change came through one.")
    action: str = Field(description="create, update, delete, restore, sign_in_failed")
    entity_type: str
    entity_id: str | None
    account_id: uuid.UUID | None
    changes: dict[str, FieldChange] = Field(description="The changed fields, by name.")
    request_id: str | None
    reason: str | None = Field(description="Why, when the change was made with a reason (a handover).")


class AccountHistoryQuery(ListQuery):
    sort: Literal["occurred_at", "-occurred_at"] = "-occurred_at"


class AuditQuery(AccountHistoryQuery):
    entity_type: str | None = Field(default=None, max_length=50)
    entity_id: str | None = Field(default=None, max_length=100)
    actor_id: uuid.UUID | None = None
    action: str | None = Field(default=None, max_length=50)
    since: Timestamp | None = None
    until: Timestamp | None = None
