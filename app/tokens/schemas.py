"""Request and response bodies for API tokens."""

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import Field

from app.plumbing.pagination import ListQuery
from app.plumbing.schemas import ReadModel, WriteModel, text


class TokenCreate(WriteModel):
    name: Annotated[str, text(200, min_length=1)] = Field(description="What the token is for, e.g. `crm-sync nightly`.")
    user_id: uuid.UUID | None = Field(default=None, description="Whose token; admins only, default the caller.")


class TokenRead(ReadModel):
    id: uuid.UUID
    user_id: uuid.UUID
    name: str
    prefix: str = Field(description="The token's first characters, to recognise it (e.g. in a leak report).")
    created_by: uuid.UUID | None
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(TokenRead):
    token: str = Field(description="The secret. Shown this once: store it now.")


class TokenListQuery(ListQuery):
    user_id: uuid.UUID | None = Field(default=None, description="Admins: whose tokens. Others see their own.")
    include_revoked: bool = False
