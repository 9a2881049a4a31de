"""A single write costs a fixed, small number of SQL statements, including everything the unit of work
does with it (audit, facts, judgement, events): nothing per feature, nothing twice."""

import pytest
from httpx import ASGITransport, AsyncClient

from app import unit_of_work
from tests.conftest import make_app, make_user
from tests.contacts.factories import create_contact
from tests.factories import KEY_SCORES, create_account
from tests.opportunities.factories import create_opportunity
from tests.test_query_counts import counting

# The transaction's statements: who is calling, the write, its audit entries, the account's facts,
# its judgement and events, the count of its screen. BEGIN, COMMIT and the tests' savepoints are not
# counted.
WRITE_BUDGET = 15
# A batch of accounts: who is calling, the keys, users and parents it names, then its writes and the
# unit of work's steps, each set-wise. Nothing written: nothing but the reads.
BATCH_BUDGET = {"created": 10, "updated": 7, "unchanged": 2}


@pytest.fixture
async def world(database_url, engine):
    """An admin's client, a webhook (so events have a reader) and an account with a contact and a deal,
    in a transaction rolled back at the end."""
    async with engine.connect() as connection:
        outer = await connection.begin()
        factory = unit_of_work.session_factory(connection, join_transaction_mode="create_savepoint")
        app = make_app(database_url, engine, factory)
        admin = await make_user(factory, "admin", "writes-admin")
        kam = await make_user(factory, "kam", "writes-kam")
        transport = ASGITransport(app=app, raise_app_exceptions=False)
        async with AsyncClient(transport=transport, base_url="http://test", headers=admin.headers) as client:
            webhook = await client.post("/v1/webhooks", json={"url": "https://203.0.113.10/hooks"})
            assert webhook.status_code == 201, webhook.text
            account = await create_account(client, name="Initech", scores=KEY_SCORES, owner_id=str(kam.id))
            contact = await create_contact(client, account["id"])
            deal = await create_opportunity(client, account["id"])
            client.records = {"account": account, "contact": contact, "deal": deal, "kam": kam}  # type: ignore[attr-defined]
            yield client, (await connection.get_raw_connection()).driver_connection
        await outer.rollback()


def _writes(records):
    account, contact, deal = records["account"], records["contact"], records["deal"]
    return {
        "account created": ("POST", "/v1/accounts", {"name": "Globex", "scores": KEY_SCORES}, None),
        "account updated": (
            "PATCH",
            f"/v1/accounts/{account['id']}",
            {"industry": "Energy", "scores": {**KEY_SCORES, "influence": 9}},
            account,
        ),
        "contact created": (
            "POST",
            "/v1/contacts",
            {"account_id": account["id"], "first_name": "Ann", "last_name": "Lee"},
            None,
        ),
        "contact updated": (
            "PATCH",
            f"/v1/contacts/{contact['id']}",
            {"title": "CFO", "attitude": "supporter"},
            contact,
        ),
        "opportunity created": (
            "POST",
            "/v1/opportunities",
            {"account_id": account["id"], "name": "Renewal", "type": "upsell", "amount": "1000.00"},
            None,
        ),
        "opportunity updated": ("PATCH", f"/v1/opportunities/{deal['id']}", {"stage": "proposal"}, deal),
    }


@pytest.mark.parametrize(
    "kind",
    [
        "account created",
        "account updated",
        "contact created",
        "contact updated",
        "opportunity created",
        "opportunity updated",
    ],
)
async def test_a_single_write_stays_within_its_statement_budget(world, engine, kind):
    client, driver = world
    method, path, body, current = _writes(client.records)[kind]
    headers = {"If-Match": f'"{current["version"]}"'} if current else {}
    async with counting(engine, driver) as statements:
        response = await client.request(method, path, json=body, headers=headers)
    assert response.status_code in (200, 201), response.text
    events = (await client.get("/v1/events", params={"limit": 100})).json()["items"]
    assert events, "the write told its events"
    assert len(statements) <= WRITE_BUDGET, "\n\n".join(statements)


def _batch(prefix, count, **fields):
    return [
        {"external_id": f"{prefix}-{index:03d}", "name": f"{prefix} {index:03d}", "scores": KEY_SCORES, **fields}
        for index in range(count)
    ]


@pytest.mark.parametrize("kind", ["created", "updated", "unchanged"])
async def test_a_batch_costs_the_same_statements_at_any_size(world, engine, kind):
    """Set-wise: a statement per table and per step of the unit of work, whatever the number of items."""
    client, driver = world
    counts = {}
    for size in (3, 30):
        items = _batch(f"{kind}-{size}", size)
        if kind != "created":
            first = await client.post("/v1/accounts/batch/upsert", json={"items": items})
            assert first.json()["created"] == size, first.text
        if kind == "updated":
            items = [{**item, "industry": "Energy"} for item in items]
        async with counting(engine, driver) as statements:
            response = await client.post("/v1/accounts/batch/upsert", json={"items": items})
        assert response.json()[kind] == size, response.text
        counts[size] = len(statements)
    assert counts[3] == counts[30], counts
    assert counts[30] <= BATCH_BUDGET[kind], counts
