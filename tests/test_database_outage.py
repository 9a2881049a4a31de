"""The database going away: clients get a 503 problem with Retry-After (not a 500, not a dropped
connection), one log line per failure, and service again as soon as the database is back."""

import asyncio
import logging
import time
from collections.abc import AsyncIterator

import asyncpg
import pytest
from httpx import ASGITransport, AsyncClient
from sqlalchemy import delete

from app import unit_of_work
from app.db import create_engine
from app.main import create_app
from app.models import Account, ApiToken, User
from app.plumbing.plain_rows import PlainPool
from app.plumbing.transactions import transaction
from app.settings import Settings
from tests.conftest import make_app, make_user
from tests.database_proxy import DatabaseProxy

# What a read on a connection the server dropped raises: the driver's connection errors.
_UNAVAILABLE = (OSError, asyncpg.PostgresConnectionError, asyncpg.InterfaceError)


@pytest.fixture
async def proxy(database_url: str) -> AsyncIterator[DatabaseProxy]:
    proxy = DatabaseProxy(database_url)
    await proxy.start()
    yield proxy
    await proxy.stop()


@pytest.fixture
async def through_proxy(database_url: str, proxy: DatabaseProxy) -> AsyncIterator[tuple[AsyncClient, object]]:
    """An admin's client of a service whose database connections all pass through the proxy."""
    engine = create_engine(proxy.url_through(database_url), pool_size=2, pool_timeout=0.5, connect_timeout=1)
    factory = unit_of_work.session_factory(engine)
    app = make_app(database_url, engine, factory)
    admin = await make_user(factory, "admin", "outage-admin")
    transport = ASGITransport(app=app, raise_app_exceptions=False)
    try:
        async with AsyncClient(transport=transport, base_url="http://test", headers=admin.headers) as client:
            yield client, engine
    finally:
        await proxy.start()
        async with transaction(factory) as session:
            await session.execute(delete(ApiToken).where(ApiToken.user_id == admin.id))
            await session.execute(delete(User).where(User.id == admin.id))
        await engine.dispose()


def assert_unavailable(response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert int(response.headers["retry-after"]) > 0
    assert response.json()["code"] == "unavailable"


async def test_database_away_is_a_503_and_service_resumes_when_it_returns(through_proxy, proxy, caplog):
    client, _engine = through_proxy
    assert (await client.get("/v1/accounts")).status_code == 200

    await proxy.stop()
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        answers = await asyncio.gather(
            *(client.get("/v1/accounts") for _ in range(5)),
            client.post("/v1/accounts", json={"name": "Written while away"}),
            client.get("/v1/meta"),
        )
    for response in answers:
        assert_unavailable(response)
    assert (await client.get("/readyz")).status_code == 503
    failures = [record for record in caplog.records if record.name == "app.plumbing.database_errors"]
    assert len(failures) == len(answers)
    assert all(record.exc_info is None and "\n" not in record.getMessage() for record in failures)
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]

    await proxy.start()
    started = time.monotonic()
    for _ in range(50):
        response = await client.get("/v1/accounts")
        if response.status_code == 200:
            break
        await asyncio.sleep(0.1)
    assert response.status_code == 200
    assert time.monotonic() - started < 5
    assert (await client.get("/readyz")).status_code == 200
    listed = (await client.get("/v1/accounts", params={"q": "Written while away"})).json()["items"]
    assert listed == []


async def test_an_exhausted_pool_is_a_503(through_proxy):
    client, engine = through_proxy
    async with engine.connect(), engine.connect():  # the whole pool: it lends no more than its size
        assert_unavailable(await client.get("/v1/accounts"))
    assert (await client.get("/v1/accounts")).status_code == 200


async def test_the_read_of_one_account_is_a_503_while_away_and_served_again_after(through_proxy, proxy):
    client, engine = through_proxy
    created = await client.post("/v1/accounts", json={"name": "Read through an outage"})
    path = f"/v1/accounts/{created.json()['id']}"
    both = await asyncio.gather(client.get(path), client.get(path))  # the pool's two connections in use
    assert [response.status_code for response in both] == [200, 200]

    await proxy.stop()
    assert_unavailable(await client.get(path))

    await proxy.start()
    # The read that failed discarded its connection and the idle one the outage killed beside it:
    # the first read after the database is back gets a new connection.
    assert (await client.get(path)).status_code == 200
    async with engine.begin() as connection:  # committed for real: leave the database as it was
        await connection.execute(delete(Account).where(Account.id == created.json()["id"]))


async def test_the_plain_pool_forgets_connections_the_server_dropped(database_url, proxy):
    pool = await PlainPool.open(proxy.url_through(database_url), 2, lend_timeout=1, connect_timeout=1)
    try:
        async with pool.lend() as connection:
            assert await connection.fetchval("SELECT 1") == 1
        await proxy.stop()
        with pytest.raises(_UNAVAILABLE):
            async with pool.lend() as connection:
                await connection.fetchval("SELECT 1")
        await proxy.start()
        # The connection dropped during the outage is not lent again: the next read gets a new one.
        async with pool.lend() as connection:
            assert await connection.fetchval("SELECT 1") == 1
    finally:
        await pool.close()


async def test_a_worker_starts_while_the_database_is_away(database_url, proxy, tmp_path):
    """A worker the server starts again during an outage starts, answers 503s, and stops: a start that
    failed would stop every worker of the service. Nothing in a worker's start reaches the database."""
    await proxy.stop()
    settings = Settings(
        database_url=proxy.url_through(database_url),
        data_dir=tmp_path,
        bootstrap_admin_token="kam_bootstrap_0123456789abcdef",
        db_connect_timeout_seconds=1,
        log_level="warning",
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
            assert_unavailable(await client.get("/readyz"))
