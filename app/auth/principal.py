"""The authenticated caller of a request."""

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from app.auth.credentials import AccessClaims
from app.rules.document import RulesConfig


@dataclass(frozen=True)
class Principal:
    user_id: uuid.UUID
    role: str
    token_id: uuid.UUID | None = None
    # An API token's scopes; None for a signed-in user, who may do all its role allows.
    scopes: frozenset[str] | None = None

    def may(self, scope: str) -> bool:
        return self.scopes is None or scope in self.scopes


@dataclass(frozen=True)
class Presented:
    """What the caller presented: an API token (by its hash), the claims of a valid sign-in token
    (None for an invalid one), or the verified email of a valid token of the identity provider."""

    token_hash: str | None
    claims: AccessClaims | None
    email: str | None = None


@dataclass(frozen=True)
class PlainCaller:
    """The caller of a plain read (one read beside the caller in one statement): what it presented;
    ``admit``, which turns the caller's row read beside it into who is calling (or refuses); and
    ``rules_in_force``, the rules in force then."""

    presented: Presented
    admit: Callable[[Any], Awaitable[Principal]]
    rules_in_force: Callable[[], Awaitable[RulesConfig]]
