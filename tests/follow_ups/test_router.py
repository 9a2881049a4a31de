"""GET /v1/follow-ups and the follow_up_overdue signal: a promised follow-up stays open until a later
interaction with the account is recorded."""

from datetime import UTC, datetime, timedelta

from tests.factories import assert_problem, create_account
from tests.interactions.factories import record_interaction

NOW = datetime.now(UTC)


def at(days: float) -> str:
    """A time ``days`` from now (negative: in the past)."""
    return (NOW + timedelta(days=days)).isoformat()


async def follow_ups(client, **params):
    response = await client.get("/v1/follow-ups", params=params)
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_follow_up_is_open_until_a_later_interaction_keeps_it(client, users):
    account = await create_account(client, name="Initech", owner_id=str(users["kam"].id))
    promise = await record_interaction(
        client, account["id"], occurred_at=at(-10), next_contact_at=at(-3), next_steps="send the proposal"
    )
    [open_one] = (await follow_ups(client))["items"]
    assert (open_one["interaction_id"], open_one["account_name"], open_one["owner_id"]) == (
        promise["id"],
        "Initech",
        str(users["kam"].id),
    )
    assert (open_one["next_steps"], open_one["days_late"], open_one["overdue"]) == ("send the proposal", 3, True)

    await record_interaction(client, account["id"], occurred_at=at(-20))  # recorded now, but took place before
    assert len((await follow_ups(client))["items"]) == 1
    await record_interaction(client, account["id"], occurred_at=at(-1))  # the follow-up took place
    assert (await follow_ups(client))["items"] == []


async def test_filters_and_pages_earliest_due_first(client, users):
    mine = await create_account(client, name="Mine", owner_id=str(users["kam"].id))
    theirs = await create_account(client, name="Theirs", owner_id=str(users["other_kam"].id))
    await record_interaction(client, mine["id"], occurred_at=at(-5), next_contact_at=at(2))
    await record_interaction(client, theirs["id"], occurred_at=at(-5), next_contact_at=at(-2))
    third = await create_account(client, name="Third", owner_id=str(users["kam"].id))
    await record_interaction(client, third["id"], occurred_at=at(-5), next_contact_at=at(-4))

    everything = (await follow_ups(client))["items"]
    assert [item["account_name"] for item in everything] == ["Third", "Theirs", "Mine"]
    assert [i["account_name"] for i in (await follow_ups(client, owner_id=str(users["kam"].id)))["items"]] == [
        "Third",
        "Mine",
    ]
    assert [i["account_name"] for i in (await follow_ups(client, account_id=mine["id"]))["items"]] == ["Mine"]
    assert [i["account_name"] for i in (await follow_ups(client, overdue="true"))["items"]] == ["Third", "Theirs"]
    assert [i["account_name"] for i in (await follow_ups(client, overdue="false"))["items"]] == ["Mine"]
    assert [i["account_name"] for i in (await follow_ups(client, due_before=at(-3)))["items"]] == ["Third"]

    first = await follow_ups(client, limit=2)
    second = await follow_ups(client, limit=2, cursor=first["next_cursor"])
    assert [i["account_name"] for i in first["items"] + second["items"]] == ["Third", "Theirs", "Mine"]
    assert second["next_cursor"] is None
    assert_problem(await client.get("/v1/follow-ups", params={"cursor": "nope"}), 422, error_locs=[["query", "cursor"]])
    assert_problem(
        await client.get("/v1/follow-ups", params={"overdue": "maybe"}), 422, error_locs=[["query", "overdue"]]
    )


async def test_a_kam_sees_the_follow_ups_of_its_own_accounts_only(client, client_for, users):
    mine = await create_account(client, name="Mine", owner_id=str(users["kam"].id))
    theirs = await create_account(client, name="Theirs", owner_id=str(users["other_kam"].id))
    for account in (mine, theirs):
        await record_interaction(client, account["id"], occurred_at=at(-5), next_contact_at=at(-1))
    kam = client_for(users["kam"])
    assert [i["account_name"] for i in (await follow_ups(kam))["items"]] == ["Mine"]
    assert (await follow_ups(kam, account_id=theirs["id"]))["items"] == []


async def test_a_follow_up_more_than_seven_days_late_turns_the_account_amber(client):
    account = await create_account(client, name="Initech")
    await record_interaction(client, account["id"], occurred_at=at(-20), next_contact_at=at(-7.5))
    read = (await client.get(f"/v1/accounts/{account['id']}")).json()
    assert "follow_up_overdue" not in [s["code"] for s in read["health"]["signals"]]  # 7 days late: in grace

    await record_interaction(client, account["id"], occurred_at=at(-10), next_contact_at=at(-8.5))
    read = (await client.get(f"/v1/accounts/{account['id']}")).json()
    [signal] = [s for s in read["health"]["signals"] if s["code"] == "follow_up_overdue"]
    assert (signal["severity"], signal["figures"]["days_late"], signal["figures"]["grace_days"]) == ("amber", 8, 7)
    listed = (await client.get("/v1/accounts", params={"signal": "follow_up_overdue"})).json()["items"]
    assert [item["id"] for item in listed] == [account["id"]]

    await record_interaction(client, account["id"], occurred_at=at(-0.5))
    read = (await client.get(f"/v1/accounts/{account['id']}")).json()
    assert "follow_up_overdue" not in [s["code"] for s in read["health"]["signals"]]
