"""SQL for users."""

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Account, AccountTeamMember, Action, Objective, Opportunity, User
from app.plumbing.errors import Conflict
from app.plumbing.pagination import PageRequest, SortKey, apply_keyset, count_matching, split_page
from app.plumbing.sql import one_of
from app.rules.opportunities import CLOSED_STAGES
from app.users.schemas import UserListQuery

SORT_KEYS: dict[str, SortKey] = {
    "name": SortKey(User.name, "str"),
    "created_at": SortKey(User.created_at, "datetime"),
    "updated_at": SortKey(User.updated_at, "datetime"),
}


class DuplicateEmail(Conflict):
    title, slug = "Email already held", "duplicate-email"


def _conditions(query: UserListQuery) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if query.role is not None:
        conditions.append(User.role == query.role)
    if query.active is not None:
        conditions.append(User.active.is_(query.active))
    if query.updated_since is not None:
        conditions.append(User.updated_at >= query.updated_since)
    if query.q:
        needle = query.q.lower()
        conditions.append(
            or_(
                func.lower(User.name).contains(needle, autoescape=True),
                func.lower(User.email).contains(needle, autoescape=True),
            )
        )
    return conditions


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, user_id: uuid.UUID, *, for_update: bool = False) -> User | None:
        return await self.session.get(User, user_id, with_for_update=for_update, populate_existing=for_update)

    async def active_user_ids(self, user_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
        return await self.existing_user_ids(user_ids, active_only=True)

    async def existing_user_ids(self, user_ids: Iterable[uuid.UUID], *, active_only: bool = False) -> set[uuid.UUID]:
        ids = set(user_ids)
        if not ids:
            return set()
        statement = select(User.id).where(one_of(User.id, ids))
        if active_only:
            statement = statement.where(User.active.is_(True))
        return set((await self.session.execute(statement)).scalars())

    async def count(self) -> int:
        return await self.session.scalar(select(func.count()).select_from(User)) or 0

    async def active_admins(self) -> int:
        statement = select(func.count()).where(User.role == "admin", User.active.is_(True))
        return await self.session.scalar(statement) or 0

    async def list_page(self, query: UserListQuery, page: PageRequest) -> tuple[list[User], str | None]:
        key = SORT_KEYS[page.field]
        statement = select(User).where(*_conditions(query))
        await count_matching(self.session, statement, page.count)
        statement = apply_keyset(statement, page, key, User.id)
        rows = (await self.session.execute(statement)).scalars().all()
        return split_page(rows, page, key)

    async def save(self, user: User) -> User:
        self.session.add(user)
        email = user.email
        try:
            await self.session.flush()
        except IntegrityError as error:
            if "uq_users_email_lower" in str(error.orig):
                raise DuplicateEmail(f"Another user already has the email {email}.") from error
            raise
        return user


# What a user owns, by the name a handover reports it under.
OWNED: dict[str, Any] = {"accounts": Account, "opportunities": Opportunity, "objectives": Objective, "actions": Action}


class OwnedWorkRepository:
    """What a user owns or takes part in across accounts, locked for a handover."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def _owned(self, model: Any, user_id: uuid.UUID) -> Select[Any]:
        conditions = [model.owner_id == user_id]
        if model is Opportunity:
            conditions.append(Opportunity.stage.not_in(CLOSED_STAGES))
        elif model is Objective:
            conditions.append(Objective.status == "open")
        elif model is Action:
            conditions.append(Action.status.in_(("open", "in_progress")))
        return select(model).where(*conditions)

    async def counts(self, user_id: uuid.UUID) -> dict[str, int]:
        """How many of each the user holds, in one statement."""
        counted = {
            name: select(func.count()).select_from(self._owned(model, user_id).subquery()).scalar_subquery()
            for name, model in OWNED.items()
        }
        teams = select(func.count()).where(AccountTeamMember.user_id == user_id).scalar_subquery()
        sponsored = select(func.count()).select_from(self._sponsored(user_id).subquery()).scalar_subquery()
        row = (await self.session.execute(select(*counted.values(), teams, sponsored))).one()
        return dict(zip([*counted, "team_memberships", "sponsorships"], row, strict=True))

    @staticmethod
    def _sponsored(user_id: uuid.UUID) -> Select[Any]:
        """The live accounts the user sponsors as an executive (archived ones keep their history)."""
        return select(Account).where(Account.executive_sponsor_id == user_id, Account.archived_at.is_(None))

    async def locked_sponsorships(self, user_id: uuid.UUID) -> list[Account]:
        statement = self._sponsored(user_id).order_by(Account.id).with_for_update()
        return list((await self.session.execute(statement.execution_options(populate_existing=True))).scalars())

    async def locked(self, model: Any, user_id: uuid.UUID) -> list[Any]:
        """The records of ``model`` the user owns, locked in id order (so handovers and writes take turns)."""
        statement = self._owned(model, user_id).order_by(model.id).with_for_update()
        return list((await self.session.execute(statement.execution_options(populate_existing=True))).scalars())

    async def memberships(self, user_ids: Iterable[uuid.UUID]) -> list[AccountTeamMember]:
        statement = (
            select(AccountTeamMember)
            .where(one_of(AccountTeamMember.user_id, list(user_ids)))
            .order_by(AccountTeamMember.id)
            .with_for_update()
        )
        return list((await self.session.execute(statement)).scalars())

    async def delete(self, record: object) -> None:
        await self.session.delete(record)
