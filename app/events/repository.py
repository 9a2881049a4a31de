"""All SQL of events: writing them with the change, reading the feed in commit-safe order."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, or_, select, text, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from app.jobs.queue import WAKE_WEBHOOKS
from app.models import Account, Event
from app.plumbing.sql import SetWise

_EVENTS = SetWise(Event, filled_by_database=("seq", "transaction_id", "occurred_at"))
# Events of transactions below this one are all committed or rolled back: none can still appear
# before the feed's position. The caller's own transaction's events are its to read.
_OLDEST_RUNNING = text("pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
SETTLED = or_(
    Event.transaction_id < _OLDEST_RUNNING,
    Event.transaction_id == text("pg_current_xact_id_if_assigned()::text::bigint"),
)
# Written by a transaction that may still be running, or committed while an older one still runs.
UNSETTLED = Event.transaction_id >= _OLDEST_RUNNING


class EventRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            await self.session.execute(_EVENTS.insert, _EVENTS.row_parameters(rows))
            self.session.info[WAKE_WEBHOOKS] = True

    async def last_position(self) -> tuple[int, int] | None:
        """The position of the newest event written (settled or not), or None before the first."""
        statement = select(Event.transaction_id, Event.seq).order_by(Event.transaction_id.desc(), Event.seq.desc())
        row = (await self.session.execute(statement.limit(1))).first()
        return None if row is None else (row[0], row[1])

    async def feed(
        self,
        after: tuple[int, int] | None,
        conditions: Sequence[ColumnElement[bool]],
        visibility: ColumnElement[bool] | None,
        limit: int,
    ) -> list[Event]:
        """Up to ``limit + 1`` settled events after the position ``after``, oldest first."""
        statement = select(Event).where(SETTLED, *conditions)
        if after is not None:
            statement = statement.where(tuple_(Event.transaction_id, Event.seq) > tuple_(*after))
        if visibility is not None:
            visible_accounts = select(Account.id).where(visibility)
            statement = statement.where(or_(Event.account_id.is_(None), Event.account_id.in_(visible_accounts)))
        statement = statement.order_by(Event.transaction_id, Event.seq).limit(limit + 1)
        return list((await self.session.execute(statement)).scalars())
