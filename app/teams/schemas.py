"""Request and response bodies for account team members."""

import uuid
from datetime import datetime
from typing import Literal

from app.kit.schemas import ReadModel, WriteModel
from app.users.schemas import UserSummary

TeamRole = Literal[
    "sales", "marketing", "solutions", "support", "implementation", "customer_success", "finance", "other"
]


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
    created_at: datetime
