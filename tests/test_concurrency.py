"""Concurrent clients on separate connections, with real commits."""

import asyncio
import uuid

import asyncpg
from sqlalchemy.engine import make_url

from tests.factories import assert_problem


async def test_two_clients_patching_with_the_same_if_match_get_one_200_and_one_412(committed_client):
    client = committed_client
    account = (await client.post("/v1/accounts", json={"name": "Contested"})).json()
    url = f"/v1/accounts/{account['id']}"
    results = await asyncio.gather(
        client.patch(url, json={"notes": "from the web app"}, headers={"If-Match": '"1"'}),
        client.patch(url, json={"notes": "from the CRM sync"}, headers={"If-Match": '"1"'}),
    )
    statuses = sorted(response.status_code for response in results)
    assert statuses == [200, 412]
    winner = next(response for response in results if response.status_code == 200)
    assert_problem(next(response for response in results if response.status_code == 412), 412)
    final = (await client.get(url)).json()
    assert (final["version"], final["notes"]) == (2, winner.json()["notes"])


async def test_concurrent_patches_without_if_match_both_apply_in_turn(committed_client):
    client = committed_client
    account = (await client.post("/v1/accounts", json={"name": "Busy"})).json()
    url = f"/v1/accounts/{account['id']}"
    results = await asyncio.gather(
        client.patch(url, json={"industry": "Retail"}), client.patch(url, json={"region": "EMEA"})
    )
    assert [response.status_code for response in results] == [200, 200]
    final = (await client.get(url)).json()
    assert (final["industry"], final["region"], final["version"]) == ("Retail", "EMEA", 3)


async def test_the_same_idempotency_key_sent_twice_at_once_creates_one_account(committed_client):
    client = committed_client
    headers = {"Idempotency-Key": "burst-1"}
    results = await asyncio.gather(
        *(client.post("/v1/accounts", json={"name": "Once"}, headers=headers) for _ in range(3))
    )
    assert {response.status_code for response in results} == {201}
    assert len({response.json()["id"] for response in results}) == 1
    assert len((await client.get("/v1/accounts")).json()["items"]) == 1


async def test_a_concurrent_duplicate_external_id_is_a_409_not_a_500(committed_client):
    client = committed_client
    results = await asyncio.gather(
        *(client.post("/v1/accounts", json={"name": f"Dup {i}", "external_id": "crm-dup"}) for i in range(3))
    )
    assert sorted(response.status_code for response in results) == [201, 409, 409]


async def test_concurrent_batches_with_the_same_new_keys_each_settle_every_item(committed_client):
    """The loser's one flush meets the winner's keys: it falls back to writing each item on its own,
    and each becomes an unchanged (or updated) account instead of a failed batch."""
    client = committed_client
    # A token each: requests on one token take turns on its row (its last use is written).
    tokens = [(await client.post("/v1/tokens", json={"name": f"sync {n}"})).json()["token"] for n in range(3)]
    items = [{"external_id": f"crm-race-{n}", "name": f"Race {n}"} for n in range(50)]
    results = await asyncio.gather(
        *(
            client.post("/v1/accounts/batch/upsert", json={"items": items}, headers={"Authorization": f"Bearer {t}"})
            for t in tokens
        )
    )
    assert [response.status_code for response in results] == [200, 200, 200], [r.text for r in results]
    outcomes = sorted(tuple({item["outcome"] for item in response.json()["items"]}) for response in results)
    assert outcomes == [("created",), ("unchanged",), ("unchanged",)]
    ids = {tuple(item["id"] for item in response.json()["items"]) for response in results}
    assert len(ids) == 1
    listed = (await client.get("/v1/accounts", params={"limit": 100})).json()["items"]
    assert len(listed) == 50


async def test_a_deadlock_is_a_503_to_send_again_and_writes_nothing(committed_client, database_url):
    """PostgreSQL breaks a deadlock by aborting one transaction: that request is told to send
    itself again (503, Retry-After), not given a 500, and none of it is written."""
    client = committed_client
    first = (await client.post("/v1/accounts", json={"name": "First", "external_id": "lock-a"})).json()
    second = (await client.post("/v1/accounts", json={"name": "Second", "external_id": "lock-b"})).json()
    lower, higher = sorted([first["id"], second["id"]])
    other = await asyncpg.connect(make_url(database_url).set(drivername="postgresql").render_as_string(False))
    try:
        transaction = other.transaction()
        await transaction.start()
        await other.execute("SELECT 1 FROM accounts WHERE id = $1 FOR UPDATE", uuid.UUID(higher))
        items = [
            {"external_id": "lock-a", "name": "First, renamed"},
            {"external_id": "lock-b", "name": "Second, renamed"},
        ]
        # The batch locks both accounts in id order: it takes the lower and waits for the higher...
        batch = asyncio.create_task(client.post("/v1/accounts/batch/upsert", json={"items": items}))
        await asyncio.sleep(0.3)
        # ...which this transaction holds while it asks for the lower: a cycle.
        await other.execute("SELECT 1 FROM accounts WHERE id = $1 FOR UPDATE", uuid.UUID(lower))
        await transaction.rollback()
        response = await batch
    finally:
        await other.close()
    assert_problem(response, 503)
    assert response.headers["retry-after"] == "1"
    names = sorted(account["name"] for account in (await client.get("/v1/accounts")).json()["items"])
    assert names == ["First", "Second"]


async def test_two_syncs_writing_contacts_of_the_same_accounts_at_once_both_land(committed_client):
    """Each write of a record an account's screen shows is also counted, before the commit, on a row
    per account: two batches naming the same accounts in opposite orders still both land (the
    batches lock their accounts in id order first, and the count takes its rows in that order too)."""
    client = committed_client
    accounts = [(await client.post("/v1/accounts", json={"name": f"Shared {n}"})).json()["id"] for n in range(4)]
    tokens = [(await client.post("/v1/tokens", json={"name": f"sync {n}"})).json()["token"] for n in range(2)]

    def items(side, order):
        return [
            {"external_id": f"{side}-{n}", "account_id": accounts[n], "first_name": "Pat", "last_name": f"{side} {n}"}
            for n in order
        ]

    results = await asyncio.gather(
        *(
            client.post(
                "/v1/contacts/batch/upsert",
                json={"items": items(side, order)},
                headers={"Authorization": f"Bearer {token}"},
            )
            for side, order, token in (("left", [0, 1, 2, 3], tokens[0]), ("right", [3, 2, 1, 0], tokens[1]))
        )
    )
    assert [response.status_code for response in results] == [200, 200], [r.text for r in results]
    for account_id in accounts:
        screen = (await client.get(f"/v1/accounts/{account_id}", params={"include": "contacts"})).json()
        assert len(screen["contacts"]["items"]) == 2
