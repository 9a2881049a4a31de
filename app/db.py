"""Database engine and the per-request session dependency."""

import uuid
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from app.plumbing.telemetry import InstrumentedPool, instrument_pool
from app.plumbing.transactions import transaction

# Held by a migration for its transaction: containers starting together migrate one after the
# other, and those after the first find nothing left to do. Transaction-scoped, so it holds behind
# PgBouncer in transaction mode too.
MIGRATION_LOCK = text("SELECT pg_advisory_xact_lock(hashtext('kam-migrate'))")


def create_engine(
    url: str, pool_size: int = 10, *, pool_timeout: float = 10, connect_timeout: float = 5, pgbouncer: bool = False
) -> AsyncEngine:
    """A pooled engine that gives up quickly when the database is away (``pool_timeout`` waiting for a
    free connection, ``connect_timeout`` opening one), so clients get a 503 rather than a hung request.

    The pool keeps ``pool_size`` connections open and lends no more (no overflow): under a load above
    it, requests wait their turn rather than open a connection that is closed again at once, paying
    the connection, its types and its prepared statements each time. There is no ping on checkout
    (three round trips per request); a connection found dead fails its request with a 503 and the
    pool renews every connection opened before it.

    Behind PgBouncer in transaction mode (``pgbouncer``), consecutive statements may reach different
    server connections: statements are not cached, and those SQLAlchemy must prepare get unique
    names, so no connection meets a name another prepared."""
    engine = create_async_engine(
        url,
        poolclass=InstrumentedPool,
        pool_size=pool_size,
        max_overflow=0,
        pool_timeout=pool_timeout,
        connect_args={"timeout": connect_timeout, **(UNPREPARED if pgbouncer else {})},
    )
    instrument_pool(engine)
    return engine


UNPREPARED: dict[str, Any] = {
    "statement_cache_size": 0,
    "prepared_statement_cache_size": 0,
    "prepared_statement_name_func": lambda: f"__kam_{uuid.uuid4()}__",
}


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One transaction per request: committed when the handler returns, rolled back on any error.

    Declared with ``Depends(get_session, scope="function")`` so the commit happens before the
    response is sent: a client never sees a success for a change that failed to commit. The session
    factory is the unit of work's (app/unit_of_work): its work before the commit runs in the same
    transaction; its wake-ups after it only tell others what the commit made.
    """
    factory: async_sessionmaker[AsyncSession] = request.app.state.session_factory
    async with transaction(factory) as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]


async def get_lagging_session(request: Request, session: SessionDep) -> AsyncIterator[AsyncSession]:
    """A session for reads that tolerate lag (reports, lists): on the streaming replica when one is
    configured (``KAM_DATABASE_REPLICA_URL``), else the request session. Reads only: it is never
    committed. Who is calling is read on the primary all the same (``SessionDep``)."""
    factory: async_sessionmaker[AsyncSession] | None = getattr(request.app.state, "replica_session_factory", None)
    if factory is None:
        yield session
        return
    async with factory() as lagging:
        yield lagging


LaggingSessionDep = Annotated[AsyncSession, Depends(get_lagging_session, scope="function")]
