"""Request and response bodies for account team members."""

import uuid
from datetime import datetime
from typing import Literal

from pydantic import Field

from app.glossary import TeamRole
from app.plumbing.dates import Timestamp
from app.plumbing.pagination import ListQuery
from app.plumbing.schemas import ReadModel, WriteModel
from app.users.schemas import UserSummary


class TeamMemberCreate(WriteModel):
    user_id: uuid.UUID
    team_role: TeamRole


class TeamMemberUpdate(WriteModel):
    team_role: TeamRole


class TeamMemberRead(ReadModel):
    account_id: uuid.UUID
    user_id: uuid.UUID
    user: UserSummary
    team_role: TeamRole
    version: int
    created_at: datetime
    updated_at: datetime


class TeamListQuery(ListQuery):
    updated_since: Timestamp | None = Field(default=None, description="Changed at or after this time.")
    sort: Literal["created_at", "-created_at", "updated_at", "-updated_at"] = Field(
        default="created_at", description="In the order they joined, or by last change."
    )
