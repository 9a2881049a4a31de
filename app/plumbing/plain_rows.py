"""Plain rows for the hottest reads (who is calling, one account): a statement compiled once from its
SQLAlchemy expression and run by the driver, its row read as it comes, with no compilation, ORM
loading or identity map per request.

Two ways to a connection: ``session_connection``, the connection of a request's session (plain
statements then run in its transaction and see what it wrote), and ``lent_connection``, a connection
lent for a request that only reads, with no session and no transaction at all: its statements stand
alone, with no ``BEGIN``/``COMMIT`` round trips around them. Those are lent by a pool of the driver's
own (``PlainPool``), which lends and takes back a connection in a few microseconds where the
engine's pool, driven through greenlets, takes tens. The driver's types are the ORM's (both pools
install the same JSON codecs), so a plain row holds what the mapped attribute would.
"""

import asyncio
import functools
import json
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any, TypeAlias, cast

import asyncpg
import orjson
from sqlalchemy import ClauseElement, ColumnElement, Row, Table
from sqlalchemy.dialects.postgresql.asyncpg import PGDialect_asyncpg
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.pool import Pool, PoolProxiedConnection
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.util.concurrency import greenlet_spawn

from app.plumbing.telemetry import POOL_IN_USE

_DIALECT = PGDialect_asyncpg(paramstyle="numeric_dollar")
# The driver's errors meaning the connection is gone: it must not go back to the pool.
_CONNECTION_LOST = (OSError, asyncpg.PostgresConnectionError, asyncpg.InterfaceError)


class PlainStatement:
    """A statement compiled once: its SQL as the driver takes it and the order of its parameters."""

    def __init__(self, statement: ClauseElement) -> None:
        compiled = cast(SQLCompiler, statement.compile(dialect=_DIALECT))
        self.sql = str(compiled)
        self._names = tuple(compiled.positiontup or ())
        self._constants = dict(compiled.params)

    def arguments(self, values: Mapping[str, object]) -> list[object]:
        given = {**self._constants, **values}
        return [given[name] for name in self._names]


async def fetch_row(connection: asyncpg.Connection, statement: PlainStatement, **values: object) -> Any:
    """The statement's first row (an ``asyncpg.Record``, read by column name), or None."""
    rows = await fetch_rows(connection, statement, **values)
    return rows[0] if rows else None


async def fetch_rows(connection: asyncpg.Connection, statement: PlainStatement, **values: object) -> list[Any]:
    """The statement's rows (each an ``asyncpg.Record``, read by column name)."""
    arguments = statement.arguments(values)
    try:
        rows: list[Any] = await connection.fetch(statement.sql, *arguments)
    except asyncpg.OutdatedSchemaCacheError:
        # A row of a table's type (see ``whole_rows``) is decoded by the columns the driver learnt
        # the table has: a migration since then changed them. Learnt again, once.
        await connection.reload_schema_state()
        rows = await connection.fetch(statement.sql, *arguments)
    return rows


def whole_rows(model: Any) -> ColumnElement[Any]:
    """Each row of ``model``'s table as one value of the table's type, which the driver decodes into
    a row read by column name (see ``Columns.whole``)."""
    table: Table = model.__table__
    return table.table_valued()


@functools.cache
def renamed_columns(model: Any) -> dict[str, str]:
    """Each column of ``model`` whose mapped attribute has another name (``metadata`` is ``metadata_``)."""
    return {column.name: column.key for column in model.__table__.columns if column.name != column.key}


async def execute(connection: asyncpg.Connection, statement: PlainStatement, **values: object) -> None:
    await connection.execute(statement.sql, *statement.arguments(values))


def _forget_connections(pool: Pool, lost: PoolProxiedConnection, error: BaseException) -> None:
    # What SQLAlchemy does when a statement of its own finds the connection gone: this one is
    # hard-closed, and every connection opened before it is renewed at its next checkout (a server
    # that went away took them all). Nothing is closed gracefully here, outside the greenlet that
    # closing an asyncpg connection needs (closing them at once did that, and logged a traceback).
    pool._invalidate(lost, error)


@asynccontextmanager
async def session_connection(session: AsyncSession) -> AsyncIterator[asyncpg.Connection]:
    """The driver connection under ``session``, in its transaction; discarded if found lost."""
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    try:
        yield cast(asyncpg.Connection, raw.driver_connection)
    except _CONNECTION_LOST as error:
        _forget_connections(connection.engine.pool, raw, error)
        await connection.invalidate(error)
        raise


# PostgreSQL's binary jsonb is its text after a version byte.
_JSONB_VERSION = b"\x01"


async def _json_codecs(connection: asyncpg.Connection) -> None:
    # Into the values the engine's dialect decodes, so a plain row's JSON is what the ORM would read
    # (orjson reads what the database stores as the standard library does, several times faster); in
    # the binary format, as the dialect does too, which a row of a table's type holding JSON needs
    # (the driver decodes such a row in binary only).
    await connection.set_type_codec(
        "json",
        encoder=lambda value: json.dumps(value).encode(),
        decoder=orjson.loads,
        schema="pg_catalog",
        format="binary",
    )
    await connection.set_type_codec(
        "jsonb",
        encoder=lambda value: _JSONB_VERSION + json.dumps(value).encode(),
        decoder=lambda data: orjson.loads(data[1:]),
        schema="pg_catalog",
        format="binary",
    )


async def _keep_session(connection: asyncpg.Connection) -> None:
    """Nothing to reset on return: plain reads change no session state (an open transaction, the one
    thing they could leave, is rolled back by the pool before this is called)."""


class PlainPool:
    """The driver's pool for plain reads, beside the engine's: up to ``size`` connections, opened on
    first use (so the service starts while the database is away), a wait for one bounded by
    ``timeout`` (then a 503, as for the engine's)."""

    def __init__(self, pool: asyncpg.Pool, timeout: float) -> None:
        self.pool = pool
        self.timeout = timeout

    @classmethod
    async def open(
        cls, url: str, size: int, *, lend_timeout: float, connect_timeout: float, pgbouncer: bool = False
    ) -> "PlainPool":
        pool = await asyncpg.create_pool(
            make_url(url).set(drivername="postgresql").render_as_string(hide_password=False),
            min_size=0,
            max_size=size,
            init=_json_codecs,
            reset=_keep_session,
            timeout=connect_timeout,
            # Behind PgBouncer in transaction mode: unnamed statements only (see app.db.create_engine).
            statement_cache_size=0 if pgbouncer else 100,
        )
        return cls(pool, lend_timeout)

    @asynccontextmanager
    async def lend(self) -> AsyncIterator[asyncpg.Connection]:
        # Bounded by a deadline on this task rather than the pool's own timeout, which runs each
        # acquisition as a task of its own.
        async with asyncio.timeout(self.timeout):
            connection = await self.pool.acquire()
        POOL_IN_USE.inc()
        # A connection the server dropped is closed by the driver, and its pool opens a new one in
        # its place at the next lend: nothing to forget here, unlike the engine's pool.
        try:
            yield connection
        finally:
            POOL_IN_USE.dec()
            await self.pool.release(connection)

    async def close(self) -> None:
        await self.pool.close()


@asynccontextmanager
async def lent_connection(
    plain_pool: PlainPool | None, factory: async_sessionmaker[AsyncSession]
) -> AsyncIterator[asyncpg.Connection]:
    """A connection lent for a request's plain reads: by ``plain_pool`` when the service runs one;
    otherwise by the pool of ``factory``'s engine, or, when the factory binds every session to one
    connection (tests), that connection."""
    if plain_pool is not None:
        async with plain_pool.lend() as connection:
            yield connection
        return
    bind = factory.kw["bind"]
    if isinstance(bind, AsyncConnection):
        raw = await bind.get_raw_connection()
        yield cast(asyncpg.Connection, raw.driver_connection)
        return
    engine = cast(AsyncEngine, bind)
    lent = await engine.raw_connection()
    try:
        yield cast(asyncpg.Connection, lent.driver_connection)
    except _CONNECTION_LOST as error:
        _forget_connections(engine.pool, lent, error)
        raise
    finally:
        # Returned in a greenlet: the pool's checkin may talk to the driver (a rollback, a close).
        await greenlet_spawn(lent.close)


class Columns:
    """Some of a plain row's columns read as attributes, as a mapped object's would be: ``names``
    maps each attribute to its column in the row (copied once, so reading them costs nothing more),
    ``related`` gives related objects beside them."""

    def __init__(
        self, record: Mapping[str, Any], names: Mapping[str, str], related: Mapping[str, object] | None = None
    ) -> None:
        self.__dict__.update({attribute: record[column] for attribute, column in names.items()})
        if related:
            self.__dict__.update(related)

    @classmethod
    def whole(
        cls, record: asyncpg.Record, renamed: Mapping[str, str], related: Mapping[str, object] | None = None
    ) -> "Columns":
        """Every column of ``record`` (a row of a table's type) read as the attribute of its name, but
        those ``renamed`` (column to attribute; see ``renamed_columns``): a copy of the row at once,
        faster than by names; ``related`` gives what was read beside it."""
        columns = cls.__new__(cls)
        values = columns.__dict__
        values.update(record.items())
        for column, attribute in renamed.items():
            values[attribute] = values.pop(column)
        if related:
            values.update(related)
        return columns

    def __getattr__(self, name: str) -> Any:
        # Only reached for a name that is not a column here: typed as the mapped attribute it stands for.
        raise AttributeError(name)


# A row of SQLAlchemy's, whatever its columns.
AnyRow: TypeAlias = Row[*tuple[Any, ...]]
# A row whose columns are read as attributes: the driver's, through ``Columns``, or SQLAlchemy's.
AttributeRow: TypeAlias = Columns | AnyRow
