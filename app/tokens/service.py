"""Creating, listing and revoking API tokens: callers manage their own, admins anyone's."""

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import policy
from app.auth.credentials import MintedToken, mint_api_token
from app.auth.principal import Principal
from app.auth.repository import AuthRepository
from app.models import ApiToken, User
from app.plumbing.errors import Forbidden, InvalidFields, NotFound
from app.plumbing.pagination import PageRequest
from app.tokens.repository import TokenRepository
from app.tokens.schemas import TokenCreate, TokenListQuery


async def issue_token(
    session: AsyncSession, user: User, name: str, created_by: uuid.UUID | None, minted: MintedToken | None = None
) -> tuple[ApiToken, str]:
    """Store a token for ``user`` and return it with its secret (the only time the secret exists)."""
    minted = minted or mint_api_token()
    token = ApiToken(
        user_id=user.id, name=name, prefix=minted.prefix, secret_hash=minted.secret_hash, created_by=created_by
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
        return await issue_token(self.session, owner, data.name, self.principal.user_id)

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
