"""Lists load a page in a fixed number of SQL statements, whatever its size: nothing row by row."""

import asyncio
from contextlib import asynccontextmanager

import pytest
from httpx import ASGITransport, AsyncClient
from sqlalchemy import event
from sqlalchemy.ext.asyncio import async_sessionmaker

from tests.conftest import make_app, make_user
from tests.contacts.factories import create_contact
from tests.factories import KEY_SCORES, create_account
from tests.interactions.factories import record_interaction
from tests.opportunities.factories import create_opportunity
from tests.reviews.factories import record_review

pytestmark = pytest.mark.slow


@asynccontextmanager
async def counting(engine, driver):
    """The statements sent, by the ORM and Core through the engine, and as plain rows by the driver
    (transaction control left out: the test's savepoints, and no BEGIN or COMMIT is a statement)."""
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    def log(record):
        statements.append(record.query)

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    driver.add_query_logger(log)
    try:
        yield statements
    finally:
        await asyncio.sleep(0)  # the driver tells its query loggers on the event loop's next turn
        event.remove(engine.sync_engine, "before_cursor_execute", count)
        driver.remove_query_logger(log)
    control = ("SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT")
    statements[:] = [statement for statement in statements if statement.lstrip().split()[0].upper() not in control]


@pytest.fixture(scope="module")
async def portfolio(database_url, engine):
    """An admin's client over a portfolio built once for the module (the tests only read), in a
    transaction rolled back at the end: 60 accounts, each with an owner, a sponsor, a team member,
    contacts, opportunities, interactions, a review and a year of financials, so every input of the
    computed view is present."""
    async with engine.connect() as connection:
        outer = await connection.begin()
        factory = async_sessionmaker(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False, autoflush=False
        )
        app = make_app(database_url, engine, factory)
        users = {role: await make_user(factory, role, f"counts-{role}") for role in ("admin", "manager", "kam")}
        transport = ASGITransport(app=app, raise_app_exceptions=False)
        async with AsyncClient(transport=transport, base_url="http://test", headers=users["admin"].headers) as admin:
            await build_portfolio(admin, users)
            yield admin, (await connection.get_raw_connection()).driver_connection
        await outer.rollback()


@pytest.fixture(scope="module")
def client(portfolio):
    return portfolio[0]


@pytest.fixture(scope="module")
def driver(portfolio):
    """The driver's connection under the test's, on which plain statements run."""
    return portfolio[1]


async def build_portfolio(client, users):
    for index in range(60):
        account = await create_account(
            client,
            name=f"Account {index:02}",
            scores=KEY_SCORES,
            owner_id=str(users["kam"].id),
            executive_sponsor_id=str(users["manager"].id),
        )
        account_id = account["id"]
        member = {"user_id": str(users["kam"].id), "team_role": "sales"}
        assert (await client.post(f"/v1/accounts/{account_id}/team", json=member)).status_code == 201
        await create_contact(client, account_id, last_name=f"{index:02}")
        await create_opportunity(client, account_id, name=f"Deal {index:02}")
        await record_interaction(client, account_id, occurred_at="2026-01-01T10:00:00Z")
        await record_review(client, account_id, held_at="2026-01-02T10:00:00Z")
        financials = await client.put(f"/v1/accounts/{account_id}/financials/2025", json={"revenue": "100.00"})
        assert financials.status_code == 201


@pytest.mark.parametrize("path", ["/v1/accounts", "/v1/contacts", "/v1/opportunities"])
async def test_a_page_costs_the_same_statements_at_any_size(client, engine, driver, path):
    counts = {}
    for limit in (5, 50):
        async with counting(engine, driver) as statements:
            response = await client.get(path, params={"limit": limit})
        assert len(response.json()["items"]) == limit
        counts[limit] = len(statements)
    assert counts[5] == counts[50]
    # Authentication, the rules in force, the page, and for accounts one query per kind of fact.
    assert counts[50] <= 16, counts


@pytest.mark.parametrize("path", ["/v1/reports/at-risk", "/v1/reports/reviews-due"])
async def test_a_report_costs_the_same_statements_whatever_it_lists(client, engine, driver, path):
    counts = {}
    for limit in (5, 50):
        async with counting(engine, driver) as statements:
            response = await client.get(path, params={"limit": limit, **({"days": 366} if "reviews" in path else {})})
        assert len(response.json()["items"]) == limit
        counts[limit] = len(statements)
    assert counts[5] == counts[50]
    assert counts[50] <= 16, counts


async def test_an_authenticated_account_read_is_at_most_two_statements_and_writes_nothing(client, engine, driver):
    some = (await client.get("/v1/accounts", params={"limit": 1})).json()["items"][0]["id"]
    await client.get(f"/v1/accounts/{some}")  # the token's last use is marked at most once a minute
    async with counting(engine, driver) as statements:
        response = await client.get(f"/v1/accounts/{some}")
    assert response.status_code == 200
    verbs = [statement.lstrip().split()[0].upper() for statement in statements]
    assert verbs == ["SELECT"], statements  # the caller and the account, its people and facts, at once
    assert len(statements) <= 2, statements
