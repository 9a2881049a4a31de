"""All SQL of API tokens."""

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import ApiToken
from app.plumbing.pagination import PageRequest, SortKey, apply_keyset, count_matching, split_page

_BY_CREATION = SortKey(ApiToken.created_at, "datetime")


class TokenRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, token: ApiToken) -> ApiToken:
        self.session.add(token)
        await self.session.flush()
        return token

    async def list_page(
        self, page: PageRequest, *, user_id: uuid.UUID | None, include_revoked: bool
    ) -> tuple[list[ApiToken], str | None]:
        """Tokens by creation, of one user (or of everyone with ``user_id`` None)."""
        statement = select(ApiToken)
        if user_id is not None:
            statement = statement.where(ApiToken.user_id == user_id)
        if not include_revoked:
            statement = statement.where(ApiToken.revoked_at.is_(None))
        await count_matching(self.session, statement, page.count)
        rows = (await self.session.execute(apply_keyset(statement, page, _BY_CREATION, ApiToken.id))).scalars().all()
        return split_page(rows, page, _BY_CREATION)

    async def get_for_update(self, token_id: uuid.UUID) -> ApiToken | None:
        return await self.session.get(ApiToken, token_id, with_for_update=True)

    async def flush(self) -> None:
        await self.session.flush()
