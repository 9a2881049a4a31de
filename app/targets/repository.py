"""All SQL of the targets."""

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from app.models import Target, User
from app.plumbing.errors import PreconditionFailed, WrittenAtOnce
from app.plumbing.sql import in_set


class TargetRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, year: int, *, for_update: bool = False) -> Target | None:
        statement = select(Target).where(Target.year == year)
        if for_update:
            statement = statement.with_for_update().execution_options(populate_existing=True)
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def known_users(self, ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        return set((await self.session.execute(select(User.id).where(in_set(User.id, ids)))).scalars())

    async def save(self, target: Target) -> Target:
        try:
            self.session.add(target)
            await self.session.flush()
        except StaleDataError as error:
            raise PreconditionFailed("The targets were changed by another request; read them again.") from error
        except IntegrityError as error:
            if "uq_targets_year" in str(error.orig):
                raise WrittenAtOnce(f"The targets of {target.year} were set by another request at once.") from error
            raise
        return target
