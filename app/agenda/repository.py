"""All SQL of the agenda: the owner's live accounts, their due plan actions, and the accounts whose
demotion awaits a manager."""

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, case, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Account, Action

# The most accounts an agenda looks at (an owner with more sees the first ones by name).
MOST_ACCOUNTS = 2000
MOST_ACTIONS = 500
_RANK = {"small": 0, "mid": 1, "key": 2}


def _rank(column: Any) -> ColumnElement[int]:
    return case(*((column == tier, rank) for tier, rank in _RANK.items()))


class AgendaRepository:
    def __init__(self, session: AsyncSession, visibility: ColumnElement[bool] | None) -> None:
        self.session = session
        self.visibility = visibility

    def _visible(self, *conditions: ColumnElement[bool]) -> list[ColumnElement[bool]]:
        live = [Account.archived_at.is_(None), *conditions]
        return live if self.visibility is None else [*live, self.visibility]

    async def owned_ids(self, owner_id: uuid.UUID) -> list[uuid.UUID]:
        statement = (
            select(Account.id)
            .where(*self._visible(Account.owner_id == owner_id))
            .order_by(Account.name, Account.id)
            .limit(MOST_ACCOUNTS)
        )
        return list((await self.session.execute(statement)).scalars())

    async def pending_demotion_ids(self) -> list[uuid.UUID]:
        """Accounts whose computed tier fell below their tier with no decision holding it (as the
        tier rules say), among those the caller sees."""
        pending = and_(
            _rank(Account.computed_tier) < _rank(Account.tier),
            Account.computed_tier.is_distinct_from(Account.tier_held_at_computed),
        )
        statement = select(Account.id).where(*self._visible(pending)).order_by(Account.name).limit(MOST_ACCOUNTS)
        return list((await self.session.execute(statement)).scalars())

    async def due_actions(self, owner_id: uuid.UUID, day: date) -> Sequence[Any]:
        """Open plan actions the owner holds, due on ``day`` or before, with their account's name."""
        statement = (
            select(Action.id, Action.title, Action.due_date, Action.account_id, Account.name.label("account_name"))
            .join(Account, Account.id == Action.account_id)
            .where(
                Action.owner_id == owner_id,
                Action.status.in_(("open", "in_progress")),
                Action.due_date <= day,
                *self._visible(),
            )
            .order_by(Action.due_date, Action.id)
            .limit(MOST_ACTIONS)
        )
        return (await self.session.execute(statement)).all()
