"""Request and response bodies for users."""

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, EmailStr, Field, StrictBool

from app.auth.schemas import Password
from app.glossary import Role
from app.plumbing.dates import Timestamp
from app.plumbing.pagination import ListQuery
from app.plumbing.schemas import ReadModel, WriteModel, omittable, text

UserName = Annotated[str, text(200, min_length=1)]


class UserCreate(WriteModel):
    email: EmailStr
    name: UserName
    role: Role
    active: StrictBool = True
    password: Password | None = Field(default=None, description="Lets the user sign in to the web app.")


class UserUpdate(WriteModel):
    email: EmailStr = omittable()
    name: UserName = omittable()
    role: Role = omittable()
    active: StrictBool = omittable(description="false revokes every access of the user at once.")
    password: Password | None = Field(default=None, description="null removes password sign-in.")


class UserSummary(ReadModel):
    id: uuid.UUID
    name: str
    email: str


class UserRead(UserSummary):
    role: Role
    active: bool
    can_sign_in: bool = Field(description="Whether a password is set.")
    version: int
    created_at: datetime
    updated_at: datetime


UserSort = Literal["name", "-name", "created_at", "-created_at", "updated_at", "-updated_at"]


class UserListQuery(ListQuery):
    role: Role | None = None
    active: bool | None = None
    q: Annotated[str, text(200, min_length=1)] | None = Field(default=None, description="Name or email contains.")
    updated_since: Timestamp | None = None
    sort: UserSort = "name"


class HandoverCreate(WriteModel):
    to_user_id: uuid.UUID = Field(description="The successor: an active kam, manager or admin.")
    reason: Annotated[str, text(2000, min_length=1)] = Field(description="Kept in the audit trail of every change.")


class OpenWork(BaseModel):
    """What a user holds that must not be lost when they leave."""

    accounts: int = Field(description="Accounts the user owns (archived ones included).")
    opportunities: int = Field(description="Open opportunities the user owns.")
    objectives: int = Field(description="Open plan objectives the user owns.")
    actions: int = Field(description="Open or in-progress plan actions the user owns.")
    team_memberships: int = Field(description="Account teams the user is on.")
    sponsorships: int = Field(description="Live accounts the user sponsors as an executive.")


class HandoverRead(BaseModel):
    from_user_id: uuid.UUID
    to_user_id: uuid.UUID
    reason: str
    accounts: list[uuid.UUID] = Field(description="Accounts now owned by the successor.")
    opportunities: list[uuid.UUID]
    objectives: list[uuid.UUID]
    actions: list[uuid.UUID]
    team_memberships: list[uuid.UUID] = Field(
        description="Accounts whose team the successor joined in the user's role (or was on already)."
    )
    sponsorships: list[uuid.UUID] = Field(description="Live accounts the successor now sponsors as an executive.")
    moved: OpenWork = Field(description="How many of each moved.")
