"""Adding, changing and removing account team members; the account's visibility governs them."""

import uuid

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from app.accounts.service import AccountService
from app.kit.errors import Conflict, InvalidFields, NotFound
from app.kit.pagination import PageRequest, SortKey, apply_keyset, split_page
from app.models import AccountTeamMember
from app.teams.schemas import TeamMemberCreate, TeamMemberUpdate


class TeamService:
    def __init__(self, session: AsyncSession, accounts: AccountService) -> None:
        self.session = session
        self.accounts = accounts

    async def list_page(self, account_id: uuid.UUID, page: PageRequest) -> tuple[list[AccountTeamMember], str | None]:
        await self.accounts.get(account_id)
        key = SortKey(AccountTeamMember.created_at, "datetime")
        statement = apply_keyset(
            select(AccountTeamMember)
            .options(joinedload(AccountTeamMember.user))
            .where(AccountTeamMember.account_id == account_id),
            page,
            key,
            AccountTeamMember.id,
        )
        rows = (await self.session.execute(statement)).scalars().all()
        return split_page(rows, page, key)

    async def add(self, account_id: uuid.UUID, data: TeamMemberCreate) -> AccountTeamMember:
        account = await self.accounts.get(account_id, for_update=True)
        if account.archived_at is not None:
            raise Conflict("The account is archived; restore it before changing its team.")
        if data.user_id not in await self.accounts.users.active_user_ids([data.user_id]):
            raise InvalidFields.one(["body", "user_id"], f"no active user with id {data.user_id}")
        member = AccountTeamMember(account_id=account_id, user_id=data.user_id, team_role=data.team_role)
        self.session.add(member)
        try:
            await self.session.flush()
        except IntegrityError as error:
            raise Conflict(f"User {data.user_id} is already on this account's team.") from error
        return await self._loaded(member)

    async def update(self, account_id: uuid.UUID, user_id: uuid.UUID, data: TeamMemberUpdate) -> AccountTeamMember:
        member = await self._member(account_id, user_id)
        member.team_role = data.team_role
        await self.session.flush()
        return await self._loaded(member)

    async def remove(self, account_id: uuid.UUID, user_id: uuid.UUID) -> None:
        await self.session.delete(await self._member(account_id, user_id))
        await self.session.flush()

    async def _member(self, account_id: uuid.UUID, user_id: uuid.UUID) -> AccountTeamMember:
        await self.accounts.get(account_id, for_update=True)
        statement = select(AccountTeamMember).where(
            AccountTeamMember.account_id == account_id, AccountTeamMember.user_id == user_id
        )
        member = (await self.session.execute(statement)).scalar_one_or_none()
        if member is None:
            raise NotFound(f"User {user_id} is not on the team of account {account_id}.")
        return member

    async def _loaded(self, member: AccountTeamMember) -> AccountTeamMember:
        await self.session.refresh(member, ["user"])
        return member
