"""All SQL of account teams."""

import uuid

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from app.kit.errors import Conflict, PreconditionFailed
from app.kit.pagination import PageRequest, SortKey, apply_keyset, split_page
from app.models import AccountTeamMember

_BY_JOINING = SortKey(AccountTeamMember.created_at, "datetime")


class TeamRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def list_page(self, account_id: uuid.UUID, page: PageRequest) -> tuple[list[AccountTeamMember], str | None]:
        statement = apply_keyset(
            select(AccountTeamMember)
            .options(joinedload(AccountTeamMember.user))
            .where(AccountTeamMember.account_id == account_id),
            page,
            _BY_JOINING,
            AccountTeamMember.id,
        )
        rows = (await self.session.execute(statement)).scalars().all()
        return split_page(rows, page, _BY_JOINING)

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
            raise Conflict(f"User {member.user_id} is already on this account's team.") from error
        except StaleDataError as error:
            raise PreconditionFailed("The team member was changed by another request; read it again.") from error
        await self.session.refresh(member, ["user"])
        return member

    async def delete(self, member: AccountTeamMember) -> None:
        await self.session.delete(member)
        await self.session.flush()
