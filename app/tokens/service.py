"""Creating, listing and revoking API tokens: callers manage their own, admins anyone's."""

import uuid
from collections.abc import Collection
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import policy
from app.auth.credentials import MintedToken, mint_api_token
from app.auth.principal import Principal
from app.auth.repository import AuthRepository
from app.glossary import TOKEN_SCOPES
from app.models import ApiToken, User
from app.plumbing.errors import Forbidden, InvalidFields, NotFound
from app.plumbing.pagination import PageRequest
from app.tokens.repository import TokenRepository
from app.tokens.schemas import TokenCreate, TokenListQuery


def scopes_of_role(role: str) -> list[str]:
    """Every scope a user of ``role`` can use: `admin` is an admin's alone."""
    return [scope for scope in TOKEN_SCOPES if scope != "admin" or role == policy.ADMIN]


async def issue_token(
    session: AsyncSession,
    user: User,
    name: str,
    created_by: uuid.UUID | None,
    minted: MintedToken | None = None,
    *,
    scopes: Collection[str] | None = None,
    expires_at: datetime | None = None,
) -> tuple[ApiToken, str]:
    """Store a token for ``user`` and return it with its secret (the only time the secret exists):
    with ``scopes`` (default: all the user's role can use) until ``expires_at`` (default: never)."""
    minted = minted or mint_api_token()
    token = ApiToken(
        user_id=user.id,
        name=name,
        prefix=minted.prefix,
        secret_hash=minted.secret_hash,
        created_by=created_by,
        scopes=[scope for scope in TOKEN_SCOPES if scope in scopes] if scopes else scopes_of_role(user.role),
        expires_at=expires_at,
    )
    return await TokenRepository(session).add(token), minted.secret


class TokenService:
    def __init__(self, session: AsyncSession, principal: Principal) -> None:
        self.session = session
        self.repository = TokenRepository(session)
        self.auth = AuthRepository(session)
        self.principal = principal

    async def create(self, data: TokenCreate) -> tuple[ApiToken, str]:
        owner_id = data.user_id or self.principal.user_id
        if owner_id != self.principal.user_id and not policy.may_manage_tokens_of_others(self.principal):
            raise Forbidden("Only admins create tokens for other users.")
        owner = await self.auth.user(owner_id)
        if owner is None or not owner.active:
            raise InvalidFields.one(["body", "user_id"], f"no active user with id {owner_id}")
        scopes = set(data.scopes or scopes_of_role(owner.role))
        if "read" not in scopes:
            raise InvalidFields.one(["body", "scopes"], "every token reads: include `read`")
        if "admin" in scopes and owner.role != policy.ADMIN:
            raise InvalidFields.one(["body", "scopes"], f"`admin` is for admins' tokens; this user is a {owner.role}")
        for scope in sorted(scopes):
            policy.require_scope(self.principal, scope, to="make a token with it")
        if data.expires_at is not None and data.expires_at <= datetime.now(UTC):
            raise InvalidFields.one(["body", "expires_at"], "must be in the future")
        return await issue_token(
            self.session, owner, data.name, self.principal.user_id, scopes=scopes, expires_at=data.expires_at
        )

    async def list_page(self, query: TokenListQuery) -> tuple[list[ApiToken], str | None]:
        # Admins see everyone's (or one user's); others only their own.
        user_id = query.user_id if policy.may_manage_tokens_of_others(self.principal) else self.principal.user_id
        page = PageRequest.of(query, "created_at")
        return await self.repository.list_page(page, user_id=user_id, include_revoked=query.include_revoked)

    async def revoke(self, token_id: uuid.UUID, now: datetime) -> None:
        token = await self.repository.get_for_update(token_id)
        if token is None or (
            token.user_id != self.principal.user_id and not policy.may_manage_tokens_of_others(self.principal)
        ):
            raise NotFound(f"No token with id {token_id}.")
        if token.revoked_at is None:
            token.revoked_at = now
            await self.repository.flush()
