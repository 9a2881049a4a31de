"""The figures only the database knows, as /metrics reads them: the judgement's backlog and lag over
live accounts (an archived account's old view is no backlog), on committed rows."""

from collections.abc import Iterator

import pytest
from httpx import ASGITransport, AsyncClient
from sqlalchemy import text

from app import unit_of_work
from app.db import create_engine
from app.main import create_app
from app.operations.repository import database_figures
from app.settings import Settings
from tests.conftest import fresh_database, make_user
from tests.factories import create_account

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    with fresh_database("kam_figures") as url:
        yield url


async def test_the_judgement_backlog_and_lag_count_live_accounts_whose_view_no_longer_holds(database):
    engine = create_engine(database, pool_size=2)
    try:
        app = create_app(Settings(database_url=database))
        app.state.engine, app.state.session_factory = engine, unit_of_work.session_factory(engine)
        admin = await make_user(app.state.session_factory, "admin", "figures-admin")
        async with AsyncClient(
            transport=ASGITransport(app=app), base_url="http://test", headers=admin.headers
        ) as client:
            accounts = [await create_account(client, name=f"Account {n}") for n in range(3)]
        async with engine.begin() as connection:
            await connection.execute(
                text("UPDATE account_facts SET judged_until = now() - interval '10 minutes', judged_rules_version = 1")
            )
            archived = text("UPDATE accounts SET archived_at = now() WHERE id = :id")
            await connection.execute(archived, {"id": accounts[2]["id"]})
        figures = await database_figures(app.state.session_factory)
        assert figures.judgement_backlog == 2
        assert figures.judgement_lag_seconds >= 600

        async with engine.begin() as connection:
            await connection.execute(text("UPDATE account_facts SET judged_until = now() + interval '1 day'"))
        figures = await database_figures(app.state.session_factory)
        assert (figures.judgement_backlog, figures.judgement_lag_seconds) == (0, 0)

        async with engine.begin() as connection:  # judged with rules older than those in force
            await connection.execute(text("UPDATE account_facts SET judged_rules_version = 0"))
        assert (await database_figures(app.state.session_factory)).judgement_backlog == 2
    finally:
        await engine.dispose()
