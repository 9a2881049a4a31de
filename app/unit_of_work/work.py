"""The unit of work's steps (the order is stated in app/unit_of_work/__init__.py)."""

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from app.account_facts import refresher
from app.account_facts.repository import new_accounts, stale_accounts, take_gathered
from app.account_screen import versions as screen_versions
from app.audit import trail
from app.auth.audit_context import get_context
from app.events import notes
from app.events.emitter import emit_events
from app.plumbing.changes import changes_of
from app.plumbing.transactions import WORK, work_of

_PENDING = "unit_of_work_pending"


@dataclass
class _Pending:
    """What a transaction noted so far, kept in its session."""

    audit: list[dict[str, Any]] = field(default_factory=list)
    told: list[notes.Noted] = field(default_factory=list)


def _pending(session: Session) -> _Pending:
    pending: _Pending | None = session.info.get(_PENDING)
    if pending is None:
        pending = session.info[_PENDING] = _Pending()
    return pending


def _changes(records: Iterable[object]) -> list[tuple[object, dict[str, tuple[Any, Any]]]]:
    """The records that hold changes, each with its columns' values before and after (found once
    for the audit trail and the events alike)."""
    return [(record, changes) for record in records if (changes := changes_of(record))]


class UnitOfWork:
    """The work of one session factory's transactions; ``wakes`` are called after each commit."""

    def __init__(self, wakes: Iterable[Callable[[AsyncSession], None]] = ()) -> None:
        self.wakes = list(wakes)

    def flushing(self, session: Session) -> None:
        """Step 1, for the records a flush is about to write."""
        self._note(session, list(session.new), list(session.dirty), list(session.deleted))

    def written(self, session: Session, created: Iterable[object], changed: Iterable[object]) -> None:
        """Step 1, for records written set-wise around the flush."""
        self._note(session, list(created), list(changed), [])

    @staticmethod
    def _note(session: Session, created: list[object], changed: list[object], deleted: list[object]) -> None:
        context = get_context(session)
        pending = _pending(session)
        changes = _changes(changed)
        pending.audit.extend(trail.created_rows(context, created))
        pending.audit.extend(trail.updated_rows(context, changes))
        pending.audit.extend(trail.deleted_rows(context, deleted))
        refresher.note_written(session, created, [*changed, *deleted])
        screen_versions.note_written(session, [*created, *changed, *deleted])
        pending.told.extend(notes.created(created))
        pending.told.extend(notes.updated(changes))
        pending.told.extend(notes.deleted(deleted))

    def mark(self, session: Session) -> tuple[int, int, set[uuid.UUID], set[uuid.UUID]]:
        pending = _pending(session)
        return len(pending.audit), len(pending.told), set(stale_accounts(session)), set(new_accounts(session))

    def roll_back_to(self, session: Session, mark: tuple[int, int, set[uuid.UUID], set[uuid.UUID]]) -> None:
        pending = _pending(session)
        del pending.audit[mark[0] :]
        del pending.told[mark[1] :]
        # Facts the savepoint stored are rolled back with it: the accounts stale before it are stale
        # again. Those noted in it stay noted: only accounts that exist are gathered, and gathering
        # one the savepoint left unchanged stores what was there. The accounts it created are gone.
        stale_accounts(session).update(mark[2])
        new = new_accounts(session)
        new.clear()
        new.update(mark[3])

    async def before_commit(self, session: AsyncSession) -> None:
        """Step 2."""
        await session.flush()
        await refresher.refresh(session)
        pending = _pending(session.sync_session)
        noted, pending.told = pending.told, []
        await emit_events(session, noted, take_gathered(session.sync_session))
        await session.flush()  # nothing is expected; anything written is audited all the same
        audit, pending.audit = pending.audit, []
        await trail.write(session, audit)
        await screen_versions.count_writes(session)

    def after_commit(self, session: AsyncSession) -> None:
        """Step 3."""
        for wake in self.wakes:
            wake(session)


class _Session(Session):
    """The ORM session of the unit of work's sessions: its flushes are noted."""


class _AsyncSession(AsyncSession):
    """A unit of work's session: its commit does steps 2 and 3, whoever commits it."""

    sync_session_class = _Session

    async def commit(self) -> None:
        work = work_of(self.sync_session)
        if isinstance(work, UnitOfWork):
            await work.before_commit(self)
        await super().commit()
        if isinstance(work, UnitOfWork):
            work.after_commit(self)


@event.listens_for(_Session, "before_flush")
def _flushing(session: Session, _flush_context: object, _instances: object) -> None:
    work = work_of(session)
    if isinstance(work, UnitOfWork):
        work.flushing(session)


def session_factory(
    bind: AsyncEngine | AsyncConnection,
    *,
    wakes: Iterable[Callable[[AsyncSession], None]] = (),
    **options: Any,
) -> async_sessionmaker[AsyncSession]:
    """Sessions on ``bind`` whose transactions do the unit of work's steps (``options`` go to the
    sessions: a test's ``join_transaction_mode``)."""
    return async_sessionmaker(
        bind,
        class_=_AsyncSession,
        expire_on_commit=False,
        autoflush=False,
        info={WORK: UnitOfWork(wakes)},
        **options,
    )
