"""The feed never passes an event that commits late: a transaction that began writing before
another and commits after it is still delivered, in its place, to a reader that has read on."""

import uuid

import asyncpg
from sqlalchemy.engine import make_url


async def test_an_event_committed_after_a_later_one_is_still_delivered(committed_client, database_url):
    client = committed_client
    start = (await client.get("/v1/events")).json()["next_cursor"]
    slow = await asyncpg.connect(make_url(database_url).set(drivername="postgresql").render_as_string(False))
    try:
        transaction = slow.transaction()
        await transaction.start()
        # This writer starts first: its transaction id is the lower one...
        await slow.execute(
            "INSERT INTO events (id, type, entity_type, entity_id, data)"
            " VALUES ($1, 'rules.changed', 'rules', '99', '{}')",
            uuid.uuid4(),
        )
        # ...and another transaction commits while it is still open.
        assert (await client.post("/v1/accounts", json={"name": "Quick"})).status_code == 201
        waiting = (await client.get("/v1/events", params={"after": start})).json()
        # The quick one's events wait: an earlier transaction could still commit an event before them.
        assert (waiting["items"], waiting["next_cursor"]) == ([], start)
        await transaction.commit()
    finally:
        await slow.close()
    delivered = (await client.get("/v1/events", params={"after": start})).json()
    assert [event["type"] for event in delivered["items"]] == ["rules.changed", "account.created"]
