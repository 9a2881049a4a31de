"""Request and response bodies for API tokens."""

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import Field

from app.glossary import TokenScope
from app.plumbing.dates import Timestamp
from app.plumbing.pagination import ListQuery
from app.plumbing.schemas import ReadModel, WriteModel, text

SCOPES_DESCRIPTION = (
    "What the token may do, within its user's role: `read` (every token: any `GET`), `write` (any other "
    "request) and `admin` (an admin's own work: users, the rules, others' tokens; admins' tokens only)."
)


class TokenCreate(WriteModel):
    name: Annotated[str, text(200, min_length=1)] = Field(description="What the token is for, e.g. `crm-sync nightly`.")
    user_id: uuid.UUID | None = Field(default=None, description="Whose token; admins only, default the caller.")
    scopes: list[TokenScope] | None = Field(
        default=None,
        min_length=1,
        max_length=3,
        description=SCOPES_DESCRIPTION
        + " Default: all its user's role can use. A token makes no token with a scope it lacks.",
    )
    expires_at: Timestamp | None = Field(
        default=None, description="When the token stops working (in the future); never when absent."
    )


class TokenRead(ReadModel):
    id: uuid.UUID
    user_id: uuid.UUID
    name: str
    prefix: str = Field(description="The token's first characters, to recognise it (e.g. in a leak report).")
    created_by: uuid.UUID | None
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    scopes: list[TokenScope] = Field(description=SCOPES_DESCRIPTION)
    expires_at: datetime | None = Field(description="When the token stops working; null: never.")


class TokenCreated(TokenRead):
    token: str = Field(description="The secret. Shown this once: store it now.")


class TokenListQuery(ListQuery):
    user_id: uuid.UUID | None = Field(default=None, description="Admins: whose tokens. Others see their own.")
    include_revoked: bool = False
