"""All SQL of the agenda: the owner's live accounts, their due plan actions, and the accounts whose
demotion awaits a manager."""

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Account, Action, CalendarLink, FollowUp, Interaction, Plan, User

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

    async def growth_planned(self, account_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        """Which of these accounts have an active growth plan."""
        if not account_ids:
            return set()
        statement = select(Plan.account_id).where(
            Plan.account_id.in_(account_ids), Plan.status == "active", Plan.kind == "growth"
        )
        return set((await self.session.execute(statement)).scalars())

    async def open_follow_ups(self, owner_id: uuid.UUID, until: datetime) -> Sequence[Any]:
        """Open follow-ups of the owner's live accounts due before ``until``, however late, with the
        account's name and the next steps promised."""
        statement = (
            select(
                FollowUp.id,
                FollowUp.due_at,
                FollowUp.account_id,
                Account.name.label("account_name"),
                Interaction.next_steps,
            )
            .join(Account, Account.id == FollowUp.account_id)
            .join(Interaction, Interaction.id == FollowUp.interaction_id)
            .where(FollowUp.status == "open", FollowUp.due_at < until, *self._visible(Account.owner_id == owner_id))
            .order_by(FollowUp.due_at, FollowUp.id)
            .limit(MOST_ACTIONS)
        )
        return (await self.session.execute(statement)).all()

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


class CalendarLinkRepository:
    """The calendar links: found by the hash of their key, one per user."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def of_user(self, user_id: uuid.UUID) -> CalendarLink | None:
        statement = select(CalendarLink).where(CalendarLink.user_id == user_id)
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def by_hash(self, secret_hash: str) -> tuple[CalendarLink, User] | None:
        statement = (
            select(CalendarLink, User)
            .join(User, User.id == CalendarLink.user_id)
            .where(CalendarLink.secret_hash == secret_hash, User.active.is_(True))
        )
        row = (await self.session.execute(statement)).one_or_none()
        return None if row is None else (row[0], row[1])

    async def save(self, link: CalendarLink) -> CalendarLink:
        self.session.add(link)
        await self.session.flush()
        return link

    async def delete(self, link: CalendarLink) -> None:
        await self.session.delete(link)
        await self.session.flush()
