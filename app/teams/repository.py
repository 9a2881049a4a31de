"""All SQL of account teams."""

import uuid

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from app.models import AccountTeamMember
from app.plumbing.errors import Conflict, PreconditionFailed
from app.plumbing.pagination import PageRequest, SortKey, apply_keyset, count_matching, split_page
from app.teams.schemas import TeamListQuery

SORT_KEYS = {
    "created_at": SortKey(AccountTeamMember.created_at, "datetime"),
    "updated_at": SortKey(AccountTeamMember.updated_at, "datetime"),
}


class AlreadyOnTeam(Conflict):
    title, slug = "Already on the account's team", "already-on-team"


class TeamRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def list_page(
        self, account_id: uuid.UUID, query: TeamListQuery
    ) -> tuple[list[AccountTeamMember], str | None]:
        page = PageRequest.of(query, query.sort)
        key = SORT_KEYS[page.field]
        statement = (
            select(AccountTeamMember)
            .options(joinedload(AccountTeamMember.user))
            .where(AccountTeamMember.account_id == account_id)
        )
        if query.updated_since is not None:
            statement = statement.where(AccountTeamMember.updated_at >= query.updated_since)
        await count_matching(self.session, statement, page.count)
        rows = (await self.session.execute(apply_keyset(statement, page, key, AccountTeamMember.id))).scalars().all()
        return split_page(rows, page, key)

    async def member(self, account_id: uuid.UUID, user_id: uuid.UUID) -> AccountTeamMember | None:
        statement = (
            select(AccountTeamMember)
            .where(AccountTeamMember.account_id == account_id, AccountTeamMember.user_id == user_id)
            .with_for_update()
        )
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def save(self, member: AccountTeamMember) -> AccountTeamMember:
        """Write the member now, its user loaded for the answer."""
        self.session.add(member)
        try:
            await self.session.flush()
        except IntegrityError as error:
            raise AlreadyOnTeam(f"User {member.user_id} is already on this account's team.") from error
        except StaleDataError as error:
            raise PreconditionFailed("The team member was changed by another request; read it again.") from error
        await self.session.refresh(member, ["user"])
        return member

    async def delete(self, member: AccountTeamMember) -> None:
        await self.session.delete(member)
        await self.session.flush()
