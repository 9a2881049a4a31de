"""The authenticated caller of a request."""

import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class Principal:
    user_id: uuid.UUID
    role: str
    token_id: uuid.UUID | None = None
