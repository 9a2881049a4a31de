"""Lists load a page in a fixed number of SQL statements, whatever its size: nothing row by row."""

import asyncio
from contextlib import asynccontextmanager

import pytest
from httpx import ASGITransport, AsyncClient
from sqlalchemy import event

from app import unit_of_work
from tests.conftest import make_app, make_user
from tests.contacts.factories import create_contact
from tests.factories import KEY_SCORES, create_account
from tests.interactions.factories import record_interaction
from tests.opportunities.factories import create_opportunity
from tests.plans.factories import add_objective, create_plan
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
        factory = unit_of_work.session_factory(connection, join_transaction_mode="create_savepoint")
        app = make_app(database_url, engine, factory)
        users = {role: await make_user(factory, role, f"counts-{role}") for role in ("admin", "manager", "kam")}
        transport = ASGITransport(app=app, raise_app_exceptions=False)
        async with AsyncClient(transport=transport, base_url="http://test", headers=users["admin"].headers) as admin:
            await build_portfolio(admin, users)
            admin.users = users  # type: ignore[attr-defined]
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
        if index == 0:
            plan = await create_plan(client, account_id)
            await add_objective(client, plan["id"], str(users["kam"].id))
    webhook = await client.post("/v1/webhooks", json={"url": "https://203.0.113.10/hooks"})
    assert webhook.status_code == 201, webhook.text


@pytest.mark.parametrize("path", ["/v1/accounts", "/v1/contacts", "/v1/opportunities"])
async def test_a_page_costs_the_same_statements_at_any_size(client, engine, driver, path):
    # The driver learns once per connection what a row of a table holds (contacts and opportunities
    # are read as rows of their tables' types).
    assert (await client.get(path, params={"limit": 1})).status_code == 200
    counts = {}
    for limit in (5, 50):
        async with counting(engine, driver) as statements:
            response = await client.get(path, params={"limit": limit})
        assert len(response.json()["items"]) == limit
        counts[limit] = len(statements)
    assert counts[5] == counts[50] == 1, counts  # the caller and the page, at once


@pytest.mark.parametrize("path", ["/v1/accounts", "/v1/contacts", "/v1/opportunities"])
async def test_a_page_the_documented_route_answers_costs_the_same_statements_at_any_size(client, engine, driver, path):
    # `count=false` is taken by FastAPI's route only (the plain route leaves `count` to it).
    counts = {}
    for limit in (5, 50):
        async with counting(engine, driver) as statements:
            response = await client.get(path, params={"limit": limit, "count": "false"})
        assert len(response.json()["items"]) == limit
        counts[limit] = len(statements)
    assert counts[5] == counts[50]
    assert counts[50] <= 4, counts


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


async def test_the_account_screen_costs_a_fixed_number_of_statements_whatever_the_account_holds(client, engine, driver):
    accounts = (await client.get("/v1/accounts", params={"limit": 2, "sort": "name"})).json()["items"]
    include = "contacts,opportunities,plans,team,financials,relationship_map"
    # The driver learns once per connection what a row of each table holds (the screen reads rows of
    # the tables' types): after that, the caller, the account and every part are one statement.
    await client.get(f"/v1/accounts/{accounts[1]['id']}", params={"include": include})
    counts, plans = [], []
    for account in accounts:  # the first holds a plan with an objective, the second none
        async with counting(engine, driver) as statements:
            response = await client.get(f"/v1/accounts/{account['id']}", params={"include": include})
        assert response.status_code == 200, response.text
        counts.append(len(statements))
        plans.append(len(response.json()["plans"]["items"]))
    assert plans == [1, 0]
    assert counts == [1, 1], counts


LIST_LIMIT = 4  # who is calling; the page; at most two statements of what the page's items need


def _example(schema: dict, ids: dict[str, str], name: str, components: dict) -> object:
    """A value a filter accepts: from its schema, or an id of the portfolio for one naming a record."""
    options = [option for option in schema.get("anyOf", [schema]) if option.get("type") != "null"]
    schema = options[0]
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    if "enum" in schema:
        return schema["enum"][-1]
    if schema.get("type") == "array":  # a condition of its items, e.g. metadata's key:value
        return "crm_tier:gold" if name == "metadata" else _example(schema["items"], ids, name, components)
    if schema.get("format") == "uuid":
        return ids["user"] if name in ("owner_id", "actor_id", "user_id") else ids["account"]
    return {
        "boolean": "true",
        "integer": "1",
        "number": "1",
    }.get(schema.get("type", "string")) or {"date-time": "2026-01-01T00:00:00Z", "date": "2026-01-01"}.get(
        schema.get("format", ""), "a"
    )


def _list_operations(document: dict) -> list[tuple[str, str, list[dict]]]:
    found = []
    for path, operations in document["paths"].items():
        get = operations.get("get")
        if get and get["operationId"].endswith("_list"):
            found.append((get["operationId"], path, [p for p in get.get("parameters", []) if p["in"] == "query"]))
    return found


async def test_every_list_page_is_at_most_four_statements_whatever_the_filters(client, engine, driver):
    from app.main import create_app

    first = (await client.get("/v1/accounts", params={"limit": 1, "sort": "name"})).json()["items"][0]
    plan = (await client.get("/v1/plans", params={"limit": 1})).json()["items"][0]
    webhook = (await client.get("/v1/webhooks", params={"limit": 1})).json()["items"][0]
    ids = {"account": first["id"], "user": first["owner_id"], "plan": plan["id"], "webhook": webhook["id"]}
    path_ids = {"{account_id}": ids["account"], "{plan_id}": ids["plan"], "{webhook_id}": ids["webhook"]}
    document = create_app().openapi()
    operations = _list_operations(document)
    components = document["components"]["schemas"]
    assert len(operations) >= 19
    async with client_for_role(client, "kam") as kam:
        for operation_id, template, parameters in operations:
            path = template
            for placeholder, value in path_ids.items():
                path = path.replace(placeholder, value)
            variants: list[dict[str, object]] = [{}]
            for parameter in parameters:
                name = parameter["name"]
                # Positions in the list and the form of the answer, not filters.
                if name in ("limit", "cursor", "after", "format"):
                    continue
                variants.append({name: _example(parameter["schema"], ids, name, components)})
            for reader in (client, kam):
                for params in variants:
                    async with counting(engine, driver) as statements:
                        response = await reader.get(path, params={"limit": 50, **params})
                    assert response.status_code in (200, 403, 404), (operation_id, params, response.text)
                    most = LIST_LIMIT + 1 if "count" in params else LIST_LIMIT  # the count is one more
                    assert len(statements) <= most, (operation_id, params, len(statements), statements)
                # The next page, from a cursor, costs the same.
                page = await reader.get(path, params={"limit": 1})
                cursor = page.json().get("next_cursor") if page.status_code == 200 else None
                position = "after" if any(parameter["name"] == "after" for parameter in parameters) else "cursor"
                if cursor:
                    async with counting(engine, driver) as statements:
                        response = await reader.get(path, params={"limit": 50, position: cursor})
                    assert response.status_code == 200, (operation_id, response.text)
                    assert len(statements) <= LIST_LIMIT, (operation_id, "cursor", len(statements), statements)


def client_for_role(admin, role):
    """A client of the same app acting as the portfolio's user of ``role``."""
    user = admin.users[role]
    return AsyncClient(transport=admin._transport, base_url="http://test", headers=user.headers)


@pytest.mark.parametrize(
    ("path", "most"),
    [
        ("/v1/reports/targets", 12),
        ("/v1/reports/programme", 10),
        ("/v1/reports/criteria", 10),
        ("/v1/reports/commission", 12),
        ("/v1/reports/whitespace", 14),
    ],
)
async def test_the_programme_s_reports_cost_a_fixed_number_of_statements(client, engine, driver, path, most):
    async with counting(engine, driver) as statements:
        response = await client.get(path)
    assert response.status_code == 200, response.text
    assert len(statements) <= most, statements


async def test_a_plain_page_of_accounts_is_one_statement_with_its_caller(client, engine, driver):
    for index in range(3):
        await create_account(client, name=f"Plain page {index}")
    await client.get("/v1/accounts", params={"limit": 2})  # the rules in force, cached from here on
    async with counting(engine, driver) as statements:
        response = await client.get("/v1/accounts", params={"limit": 2, "sort": "-name", "status": "active"})
    assert response.status_code == 200 and len(response.json()["items"]) == 2
    assert len(statements) == 1, statements
