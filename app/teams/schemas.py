"""Request and response bodies for account team members."""

import uuid
from datetime import datetime

from app.glossary import TeamRole
from app.kit.schemas import ReadModel, WriteModel
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
