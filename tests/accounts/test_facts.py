"""The stored facts follow every change to an account's records, in the same transaction."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from tests.factories import KEY_SCORES, assert_problem, create_account


def ago(days):
    return (datetime.now(UTC) - timedelta(days=days)).isoformat()


async def facts(connection, account_id):
    row = await connection.execute(text("SELECT * FROM account_facts WHERE account_id = :a"), {"a": account_id})
    return row.mappings().one()


async def test_facts_follow_creates_updates_and_deletes(client, connection):
    account = await create_account(client, scores=KEY_SCORES)
    assert (await facts(connection, account["id"]))["last_interaction_at"] is None
    first = (
        await client.post(
            "/v1/interactions", json={"account_id": account["id"], "type": "call", "occurred_at": ago(10)}
        )
    ).json()
    latest = (
        await client.post(
            "/v1/interactions", json={"account_id": account["id"], "type": "visit", "occurred_at": ago(2)}
        )
    ).json()
    assert (await facts(connection, account["id"]))["last_interaction_at"].isoformat() == latest["occurred_at"].replace(
        "Z", "+00:00"
    )
    await client.delete(f"/v1/interactions/{latest['id']}")
    assert (await facts(connection, account["id"]))["last_interaction_at"].isoformat() == first["occurred_at"].replace(
        "Z", "+00:00"
    )
    contact = (
        await client.post(
            "/v1/contacts",
            json={"account_id": account["id"], "first_name": "A", "last_name": "B", "attitude": "supporter"},
        )
    ).json()
    assert (await facts(connection, account["id"]))["has_champion_or_supporter"] is True
    await client.patch(f"/v1/contacts/{contact['id']}", json={"status": "left"})
    assert (await facts(connection, account["id"]))["has_champion_or_supporter"] is False


async def test_a_refused_change_leaves_the_facts_as_they_were(client, connection):
    account = await create_account(client)
    await client.put(f"/v1/accounts/{account['id']}/financials/2025", json={"revenue": "100.00"})
    stale = await client.put(
        f"/v1/accounts/{account['id']}/financials/2025", json={"revenue": "1.00"}, headers={"If-Match": '"9"'}
    )
    assert_problem(stale, 412)
    assert (await facts(connection, account["id"]))["latest_annual_revenue"] == 100
