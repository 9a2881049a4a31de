"""Test fixtures: a real PostgreSQL built by the migrations, one rolled-back transaction per test.

With ``KAM_DATABASE_URL`` set, the tests create a throwaway database on that server; otherwise they
start the embedded server under ``.data/test``. Either way the schema comes from ``alembic upgrade head``.
"""

import asyncio
import contextlib
import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

from app import unit_of_work
from app.cli import migrate
from app.embedded_pg import start_embedded_postgres
from app.main import create_app
from app.models import Base, User
from app.settings import Settings
from app.tokens.service import issue_token

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _server_url() -> str:
    configured = os.environ.get("KAM_DATABASE_URL")
    if configured:
        return configured
    return start_embedded_postgres(PROJECT_ROOT / ".data" / "test", database="postgres")


async def _admin(url: str, statement: str) -> None:
    dsn = make_url(url).set(drivername="postgresql", database="postgres")
    connection = await asyncpg.connect(dsn.render_as_string(hide_password=False))
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@contextlib.contextmanager
def empty_database(prefix: str = "kam_test") -> Iterator[str]:
    """A new database with no schema, dropped on exit."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    server = _server_url()
    asyncio.run(_admin(server, f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(_admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextlib.contextmanager
def fresh_database(prefix: str = "kam_test") -> Iterator[str]:
    """A new database migrated to head, dropped on exit."""
    with empty_database(prefix) as url:
        migrate(url)
        yield url


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    """A fresh database for this test run."""
    with fresh_database() as url:
        yield url


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(database_url, poolclass=NullPool)
    yield engine
    await engine.dispose()


@pytest.fixture
async def connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """One outer transaction per test, rolled back at the end: nothing a test writes survives it."""
    async with engine.connect() as connection:
        transaction = await connection.begin()
        yield connection
        await transaction.rollback()


def make_app(database_url: str, engine: AsyncEngine, session_factory: async_sessionmaker) -> FastAPI:
    app = create_app(Settings(database_url=database_url, max_body_bytes=1024 * 1024))
    app.state.engine = engine
    app.state.session_factory = session_factory
    return app


ROLES = ("admin", "manager", "kam", "viewer")


@dataclass(frozen=True)
class TestUser:
    __test__ = False
    id: uuid.UUID
    role: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


async def make_user(factory: async_sessionmaker, role: str, name: str) -> TestUser:
    async with factory() as session:
        user = User(email=f"{name}@example.com", name=name.replace("-", " ").title(), role=role)
        session.add(user)
        await session.flush()
        _token, secret = await issue_token(session, user, "tests", None)
        await session.commit()
    return TestUser(id=user.id, role=role, token=secret)


@pytest.fixture
def session_factory(connection: AsyncConnection) -> async_sessionmaker:
    # Each request's commit releases a savepoint inside the test's outer transaction.
    return unit_of_work.session_factory(connection, join_transaction_mode="create_savepoint")


@pytest.fixture
def app(database_url: str, engine: AsyncEngine, session_factory: async_sessionmaker) -> FastAPI:
    return make_app(database_url, engine, session_factory)


@pytest.fixture
async def users(session_factory: async_sessionmaker) -> dict[str, TestUser]:
    """One user per role, plus a second kam: ``users["admin"]``, ``users["kam"]``, ``users["other_kam"]``..."""
    made = {role: await make_user(session_factory, role, f"test-{role}") for role in ROLES}
    made["other_kam"] = await make_user(session_factory, "kam", "test-other-kam")
    return made


@pytest.fixture
async def client_for(app: FastAPI) -> AsyncIterator[Callable[[TestUser | None], AsyncClient]]:
    """Clients acting as a given user (or anonymous), all on the test's transaction."""
    clients: list[AsyncClient] = []

    def make(user: TestUser | None) -> AsyncClient:
        transport = ASGITransport(app=app, raise_app_exceptions=False)
        client = AsyncClient(transport=transport, base_url="http://test", headers=user.headers if user else {})
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()


@pytest.fixture
def client(client_for, users) -> AsyncClient:
    """An admin's client: for tests about behaviour rather than access."""
    return client_for(users["admin"])


@pytest.fixture
def anonymous(client_for) -> AsyncClient:
    return client_for(None)


@pytest.fixture
async def committed_client(database_url: str, engine: AsyncEngine) -> AsyncIterator[AsyncClient]:
    """An admin's client whose requests really commit, each on its own connection (for concurrency
    tests). The tables are emptied afterwards."""
    pooled = create_async_engine(database_url, pool_size=5)
    factory = unit_of_work.session_factory(pooled)
    app = make_app(database_url, pooled, factory)
    admin = await make_user(factory, "admin", f"committed-{uuid.uuid4().hex[:8]}")
    transport = ASGITransport(app=app, raise_app_exceptions=False)
    try:
        async with AsyncClient(transport=transport, base_url="http://test", headers=admin.headers) as client:
            yield client
    finally:
        async with pooled.begin() as connection:
            tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
            await connection.execute(text(f"TRUNCATE {tables} CASCADE"))
        await pooled.dispose()


@pytest.fixture
def data_dir(tmp_path):
    """The data directory of a `kam serve` run with its embedded PostgreSQL (see
    tests/running_service.py); a server a failed test left running is killed."""
    import psutil

    from tests.running_service import postgres_processes

    yield tmp_path / "data"
    for process in postgres_processes(tmp_path / "data" / "pg"):
        # A server stopping on its own may be gone between the listing and the kill.
        with contextlib.suppress(psutil.NoSuchProcess):
            process.kill()
