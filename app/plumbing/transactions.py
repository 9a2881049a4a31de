"""Where a transaction begins and ends, and what the unit of work is told on the way.

A session made by the unit of work (app/unit_of_work) does its work when it commits, and carries
the work in ``session.info``; the code here tells it of records written around the flush and of a
savepoint rolled back, without knowing what it does. Any session works here, with or without it.
"""

import contextlib
from collections.abc import AsyncIterator, Iterable
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

WORK = "unit_of_work"


class CommitWork(Protocol):
    """What a transaction does besides the rows its use case writes."""

    def written(self, session: Session, created: Iterable[object], changed: Iterable[object]) -> None:
        """Records written around the ORM's flush (set-wise): treat them as a flush would."""

    def mark(self, session: Session) -> Any:
        """Where the pending work stands, to forget what follows if a savepoint is rolled back."""

    def roll_back_to(self, session: Session, mark: Any) -> None:
        """A savepoint was rolled back: forget the work noted since ``mark``."""


def work_of(session: Session) -> CommitWork | None:
    work: CommitWork | None = session.info.get(WORK)
    return work


@contextlib.asynccontextmanager
async def transaction(factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A session in one transaction: committed when the block ends, rolled back on any error."""
    async with factory() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            # On a lost connection the rollback fails too; the error that caused it is the one to report.
            with contextlib.suppress(Exception):
                await session.rollback()
            raise


def note_written(session: AsyncSession, created: Iterable[object] = (), changed: Iterable[object] = ()) -> None:
    """Records written around the flush: the unit of work treats them as a flush would."""
    work = work_of(session.sync_session)
    if work is not None:
        work.written(session.sync_session, created, changed)


@contextlib.asynccontextmanager
async def savepoint(session: AsyncSession) -> AsyncIterator[None]:
    """A savepoint: released when the block ends; on an error rolled back, with the unit of work's
    notes of what it held."""
    work = work_of(session.sync_session)
    mark = work.mark(session.sync_session) if work is not None else 0
    nested = await session.begin_nested()
    try:
        yield
        await session.flush()
    except BaseException:
        if nested.is_active:
            with contextlib.suppress(Exception):  # a lost connection: the error that caused it is reported
                await nested.rollback()
        if work is not None:
            work.roll_back_to(session.sync_session, mark)
        raise
    await nested.commit()
