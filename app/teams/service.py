"""Adding, changing and removing account team members; the account's visibility governs them, and
an archived account's team waits for its restore."""

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.accounts.service import AccountService
from app.models import Account, AccountTeamMember
from app.plumbing.concurrency import ExpectedVersion, check_version
from app.plumbing.errors import AccountArchived, InvalidFields, NotFound
from app.plumbing.plain_rows import Columns
from app.teams.repository import TeamRepository
from app.teams.schemas import TeamListQuery, TeamMemberCreate, TeamMemberUpdate


class TeamService:
    def __init__(self, session: AsyncSession, accounts: AccountService) -> None:
        self.accounts = accounts
        self.repository = TeamRepository(session)

    async def list_page(
        self, account_id: uuid.UUID, query: TeamListQuery
    ) -> tuple[list[AccountTeamMember], str | None]:
        await self.accounts.get(account_id)
        return await self.repository.list_page(account_id, query)

    async def add(self, account_id: uuid.UUID, data: TeamMemberCreate) -> AccountTeamMember:
        await self._live_account(account_id)
        if data.user_id not in await self.accounts.users.active_user_ids([data.user_id]):
            raise InvalidFields.one(["body", "user_id"], f"no active user with id {data.user_id}")
        member = AccountTeamMember(account_id=account_id, user_id=data.user_id, team_role=data.team_role)
        return await self.repository.save(member)

    async def update(
        self, account_id: uuid.UUID, user_id: uuid.UUID, data: TeamMemberUpdate, expected: ExpectedVersion | None
    ) -> AccountTeamMember:
        member = await self._member_for_write(account_id, user_id, expected)
        member.team_role = data.team_role
        return await self.repository.save(member)

    async def remove(self, account_id: uuid.UUID, user_id: uuid.UUID, expected: ExpectedVersion | None) -> None:
        await self.repository.delete(await self._member_for_write(account_id, user_id, expected))

    async def _live_account(self, account_id: uuid.UUID) -> Account:
        """The account, locked (team changes take turns with its other writes), and not archived."""
        account = await self.accounts.get(account_id, for_update=True)
        if account.archived_at is not None:
            raise AccountArchived("The account is archived; restore it before changing its team.")
        return account

    async def _member_for_write(
        self, account_id: uuid.UUID, user_id: uuid.UUID, expected: ExpectedVersion | None
    ) -> AccountTeamMember:
        await self._live_account(account_id)
        member = await self.repository.member(account_id, user_id)
        if member is None:
            raise NotFound(f"User {user_id} is not on the team of account {account_id}.")
        check_version(expected, member.version)
        return member


def team_member_fields(member: AccountTeamMember | Columns, user_name: str, user_email: str) -> dict[str, Any]:
    """A ``TeamMemberRead``'s fields for the member, whose user has this name and email, ready for
    JSON as they are (see ``json_body``)."""
    return {
        "account_id": member.account_id,
        "user_id": member.user_id,
        "user": {"id": member.user_id, "name": user_name, "email": user_email},
        "team_role": member.team_role,
        "version": member.version,
        "created_at": member.created_at,
        "updated_at": member.updated_at,
    }
