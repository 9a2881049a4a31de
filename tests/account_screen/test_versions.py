"""What the account screen keeps between reads: its records are read again exactly when a write of
what it shows was committed (app/account_screen/versions.py), counted once per transaction."""

import uuid

import pytest
from sqlalchemy import text

from app.account_screen.repository import VERSION, screen_statement
from app.auth.credentials import hash_api_token
from app.plumbing.plain_rows import fetch_row
from tests.account_screen.test_router import EVERYTHING, assert_each_part_is_what_its_own_operation_answers, typed
from tests.contacts.factories import create_contact
from tests.factories import KEY_SCORES, create_account
from tests.interactions.factories import record_interaction
from tests.opportunities.factories import create_opportunity
from tests.plans.factories import create_plan


async def _count(connection, account_id) -> int:
    found = await connection.scalar(
        text("SELECT version FROM account_screen_versions WHERE account_id = :id"), {"id": account_id}
    )
    return found or 0


async def _screen(client, account_id):
    response = await client.get(f"/v1/accounts/{account_id}", params={"include": EVERYTHING})
    assert response.status_code == 200, response.text
    return response.json()


async def _world(client, users):
    """An account with a record of every kind its screen shows."""
    account = await create_account(client, name="Counted", scores=KEY_SCORES)
    account_id = account["id"]
    contact = await create_contact(client, account_id, last_name="Boss", external_id="c-boss")
    deal = await create_opportunity(client, account_id, external_id="o-deal")
    plan = await create_plan(client, account_id)
    member = {"user_id": str(users["kam"].id), "team_role": "sales"}
    assert (await client.post(f"/v1/accounts/{account_id}/team", json=member)).status_code == 201
    offering = (await client.post("/v1/offerings", json={"name": "Analytics", "code": "ANALYTICS"})).json()["id"]
    lines = [{"offering_id": offering, "revenue": "60.00"}]
    figures = {"revenue": "100.00", "lines": lines}
    assert (await client.put(f"/v1/accounts/{account_id}/financials/2025", json=figures)).status_code == 201
    return {"account": account_id, "contact": contact, "deal": deal, "plan": plan, "offering": offering}


def _writes(client, users, world):
    account_id, contact, deal, plan = world["account"], world["contact"], world["deal"], world["plan"]
    other_lines = [{"offering_id": world["offering"], "revenue": "30.00"}]

    def upsert(kind, *items):
        batch = {"items": [{**item, "account_id": account_id} for item in items]}
        return client.post(f"/v1/{kind}/batch/upsert", json=batch)

    return {
        "contact created": lambda: client.post(
            "/v1/contacts", json={"account_id": account_id, "first_name": "Ann", "last_name": "New"}
        ),
        "contact changed": lambda: client.patch(f"/v1/contacts/{contact['id']}", json={"title": "CFO"}),
        "contact deleted": lambda: client.delete(f"/v1/contacts/{contact['id']}"),
        "contacts upserted": lambda: upsert(
            "contacts",
            {"external_id": "c-boss", "first_name": "Cora", "last_name": "Renamed"},
            {"external_id": "c-new", "first_name": "Bo", "last_name": "Added"},
        ),
        "deal created": lambda: client.post(
            "/v1/opportunities", json={"account_id": account_id, "name": "More", "type": "upsell", "amount": "5.00"}
        ),
        "deal changed": lambda: client.patch(f"/v1/opportunities/{deal['id']}", json={"name": "Renamed deal"}),
        "deal deleted": lambda: client.delete(f"/v1/opportunities/{deal['id']}"),
        "deals upserted": lambda: upsert(
            "opportunities", {"external_id": "o-deal", "name": "Upserted", "type": "upsell", "amount": "7.00"}
        ),
        "plan changed": lambda: client.patch(f"/v1/plans/{plan['id']}", json={"name": "Renamed plan"}),
        "plan deleted": lambda: client.delete(f"/v1/plans/{plan['id']}"),
        "member removed": lambda: client.delete(f"/v1/accounts/{account_id}/team/{users['kam'].id}"),
        "member's user renamed": lambda: client.patch(f"/v1/users/{users['kam'].id}", json={"name": "Kim Renamed"}),
        "member's work handed over": lambda: client.post(
            f"/v1/users/{users['kam'].id}/handover", json={"to_user_id": str(users["other_kam"].id), "reason": "left"}
        ),
        "period's lines replaced": lambda: client.put(
            f"/v1/accounts/{account_id}/financials/2025", json={"revenue": "100.00", "lines": other_lines}
        ),
        "period added": lambda: client.put(f"/v1/accounts/{account_id}/financials/2026", json={"revenue": "5.00"}),
        "period deleted": lambda: client.delete(f"/v1/accounts/{account_id}/financials/2025"),
    }


WRITES = [
    "contact created",
    "contact changed",
    "contact deleted",
    "contacts upserted",
    "deal created",
    "deal changed",
    "deal deleted",
    "deals upserted",
    "plan changed",
    "plan deleted",
    "member removed",
    "member's user renamed",
    "member's work handed over",
    "period's lines replaced",
    "period added",
    "period deleted",
]


@pytest.mark.parametrize("write", WRITES)
async def test_each_write_of_what_the_screen_shows_counts_once_and_shows_at_the_next_read(
    client, users, connection, write
):
    world = await _world(client, users)
    account_id = world["account"]
    before = await _screen(client, account_id)
    assert typed(await _screen(client, account_id)) == typed(before)
    counted = await _count(connection, account_id)

    response = await _writes(client, users, world)[write]()
    assert response.status_code in (200, 201, 204), response.text

    # One transaction, one count, however many records it wrote.
    assert await _count(connection, account_id) == counted + 1
    after = await _screen(client, account_id)
    assert typed(after) != typed(before)
    await assert_each_part_is_what_its_own_operation_answers(client, account_id, after)


async def test_what_the_screen_does_not_show_is_not_counted(client, users, connection):
    world = await _world(client, users)
    account_id = world["account"]
    counted = await _count(connection, account_id)
    await record_interaction(client, account_id)
    assert (await client.patch(f"/v1/accounts/{account_id}", json={"notes": "Renewal in May"})).status_code == 200
    # A user's writes that the team does not show: their role, not their name or email.
    assert (await client.patch(f"/v1/users/{users['kam'].id}", json={"role": "manager"})).status_code == 200
    assert await _count(connection, account_id) == counted


async def test_a_user_renamed_counts_for_each_account_whose_team_they_are_on(client, users, connection):
    member = {"user_id": str(users["kam"].id), "team_role": "sales"}
    on_team = [(await create_account(client, name=f"Team {n}"))["id"] for n in range(2)]
    for account_id in on_team:
        assert (await client.post(f"/v1/accounts/{account_id}/team", json=member)).status_code == 201
    elsewhere = (await create_account(client, name="Elsewhere"))["id"]
    counts = [await _count(connection, account_id) for account_id in (*on_team, elsewhere)]

    assert (await client.patch(f"/v1/users/{users['kam'].id}", json={"email": "kim@example.com"})).status_code == 200

    assert [await _count(connection, account_id) for account_id in (*on_team, elsewhere)] == [
        counts[0] + 1,
        counts[1] + 1,
        counts[2],
    ]


async def test_a_screen_read_at_its_count_leaves_its_records_unread(client, users, connection):
    world = await _world(client, users)
    account_id = uuid.UUID(world["account"])
    statement = screen_statement(frozenset(EVERYTHING.split(",")), 50, "token")
    token = (await client.post("/v1/tokens", json={"name": "reader"})).json()["token"]
    driver = (await connection.get_raw_connection()).driver_connection
    values = {"secret_hash": hash_api_token(token), "account_id": account_id}

    read = await fetch_row(driver, statement, **values, kept_version=None)
    counted = read[VERSION]
    assert counted == await _count(connection, account_id) and read["contacts"] and read["team__users"]
    unread = await fetch_row(driver, statement, **values, kept_version=counted)
    assert unread["id"] == account_id
    assert [unread[part] for part in EVERYTHING.split(",")] == [None] * 6
    again = await fetch_row(driver, statement, **values, kept_version=counted - 1)
    assert again["contacts"] == read["contacts"]


async def test_a_fix_by_hand_counted_as_the_operating_guide_says_shows_at_the_next_read(client, users, connection):
    world = await _world(client, users)
    account_id = world["account"]
    assert [contact["last_name"] for contact in (await _screen(client, account_id))["contacts"]["items"]] == ["Boss"]
    fix = text("UPDATE contacts SET last_name = 'Fixed' WHERE id = :id")
    await connection.execute(fix, {"id": world["contact"]["id"]})
    # docs/operating.md, "What a worker keeps".
    counted = text(
        "INSERT INTO account_screen_versions VALUES (:id, 1) ON CONFLICT (account_id) DO UPDATE "
        "SET version = account_screen_versions.version + 1"
    )
    await connection.execute(counted, {"id": account_id})
    assert [contact["last_name"] for contact in (await _screen(client, account_id))["contacts"]["items"]] == ["Fixed"]
