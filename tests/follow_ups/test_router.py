"""/v1/follow-ups and the follow_up_overdue signal: a promised follow-up stays open until it is kept on
purpose: marked done or dropped, or named by the interaction that keeps it."""

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


async def test_a_follow_up_is_open_until_an_interaction_names_it(client, users):
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
    assert (open_one["status"], open_one["done_at"], open_one["done_by"]) == ("open", None, None)

    # An unrelated email keeps no promise, even one after the due date.
    await record_interaction(client, account["id"], type="email", occurred_at=at(-1))
    assert [item["id"] for item in (await follow_ups(client))["items"]] == [open_one["id"]]
    keeper = await record_interaction(client, account["id"], occurred_at=at(-0.5), keeps_follow_up_ids=[open_one["id"]])
    assert (await follow_ups(client))["items"] == []
    kept = (await client.get(f"/v1/follow-ups/{open_one['id']}")).json()
    assert (kept["status"], kept["done_by"], kept["kept_by_interaction_id"]) == (
        "done",
        str(users["admin"].id),
        keeper["id"],
    )
    assert datetime.fromisoformat(kept["done_at"]) == datetime.fromisoformat(keeper["occurred_at"])
    assert (kept["days_late"], kept["overdue"]) == (0, False)
    done = (await follow_ups(client, status="done"))["items"]
    assert [item["id"] for item in done] == [open_one["id"]]
    assert len((await follow_ups(client, status="any"))["items"]) == 1


async def test_marking_a_follow_up_done_or_dropped_records_who_and_when_and_is_audited(client, client_for, users):
    account = await create_account(client, name="Initech", owner_id=str(users["kam"].id))
    await record_interaction(client, account["id"], occurred_at=at(-10), next_contact_at=at(-3))
    [follow_up] = (await follow_ups(client))["items"]
    url = f"/v1/follow-ups/{follow_up['id']}"
    kam = client_for(users["kam"])
    read = await kam.get(url)
    assert read.headers["etag"] == '"1"'
    assert_problem(await kam.patch(url, json={"status": "done"}, headers={"If-Match": '"7"'}), 412)
    assert_problem(await client_for(users["viewer"]).patch(url, json={"status": "done"}), 403)
    assert_problem(await client_for(users["other_kam"]).patch(url, json={"status": "done"}), 404)
    assert_problem(await kam.patch(url, json={"status": "kept"}), 422, error_locs=[["body", "status"]])
    done = await kam.patch(url, json={"status": "done"}, headers={"If-Match": '"1"'})
    assert done.status_code == 200, done.text
    body = done.json()
    assert (body["status"], body["done_by"], body["version"], done.headers["etag"]) == (
        "done",
        str(users["kam"].id),
        2,
        '"2"',
    )
    assert abs(datetime.fromisoformat(body["done_at"]) - datetime.now(UTC)) < timedelta(minutes=1)
    assert (await follow_ups(client))["items"] == []
    dropped = (await kam.patch(url, json={"status": "dropped"})).json()
    assert (dropped["status"], dropped["done_by"]) == ("dropped", str(users["kam"].id))
    reopened = (await kam.patch(url, json={"status": "open"})).json()
    assert (reopened["status"], reopened["done_at"], reopened["done_by"]) == ("open", None, None)
    trail = (await client.get("/v1/audit", params={"entity_type": "follow_up", "entity_id": follow_up["id"]})).json()
    assert [entry["action"] for entry in trail["items"]][:3] == ["update", "update", "update"]
    assert any(entry["changes"].get("status") for entry in trail["items"])


async def test_an_interaction_keeps_only_open_follow_ups_of_its_own_account(client):
    account = await create_account(client, name="Initech")
    other = await create_account(client, name="Other")
    await record_interaction(client, account["id"], occurred_at=at(-10), next_contact_at=at(-3))
    await record_interaction(client, other["id"], occurred_at=at(-10), next_contact_at=at(-3))
    (mine,) = (await follow_ups(client, account_id=account["id"]))["items"]
    (theirs,) = (await follow_ups(client, account_id=other["id"]))["items"]
    body = {"account_id": account["id"], "type": "call", "occurred_at": at(-1)}
    wrong = await client.post("/v1/interactions", json={**body, "keeps_follow_up_ids": [mine["id"], theirs["id"]]})
    assert_problem(wrong, 422, error_locs=[["body", "keeps_follow_up_ids", 1]])
    assert (await client.get(f"/v1/follow-ups/{mine['id']}")).json()["status"] == "open"  # nothing half-written
    await client.patch(f"/v1/follow-ups/{mine['id']}", json={"status": "dropped"})
    closed = await client.post("/v1/interactions", json={**body, "keeps_follow_up_ids": [mine["id"]]})
    assert_problem(closed, 422, error_locs=[["body", "keeps_follow_up_ids", 0]])


async def test_a_follow_up_cannot_be_due_before_its_interaction(client):
    account = await create_account(client, name="Initech")
    body = {"account_id": account["id"], "type": "call", "occurred_at": at(-2), "next_contact_at": at(-3)}
    assert_problem(await client.post("/v1/interactions", json=body), 422, error_locs=[["body", "next_contact_at"]])
    made = await record_interaction(client, account["id"], occurred_at=at(-2), next_contact_at=at(1))
    moved = await client.patch(
        f"/v1/interactions/{made['id']}", json={"occurred_at": at(-1), "next_contact_at": at(-1.5)}
    )
    assert_problem(moved, 422, error_locs=[["body", "next_contact_at"]])
    same_time = await client.patch(f"/v1/interactions/{made['id']}", json={"next_contact_at": at(-2)})
    assert same_time.status_code == 200, same_time.text


async def test_a_follow_up_moves_with_its_promise_and_goes_when_it_is_withdrawn(client):
    account = await create_account(client, name="Initech")
    made = await record_interaction(client, account["id"], occurred_at=at(-2), next_contact_at=at(1))
    [follow_up] = (await follow_ups(client))["items"]
    await client.patch(f"/v1/interactions/{made['id']}", json={"next_contact_at": at(3)})
    [moved] = (await follow_ups(client))["items"]
    assert (moved["id"], datetime.fromisoformat(moved["due_at"])) == (follow_up["id"], datetime.fromisoformat(at(3)))
    await client.patch(f"/v1/interactions/{made['id']}", json={"next_contact_at": None})
    assert (await follow_ups(client, status="any"))["items"] == []
    assert_problem(await client.get(f"/v1/follow-ups/{follow_up['id']}"), 404)


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

    late = [item["id"] for item in (await follow_ups(client, account_id=account["id"]))["items"]]
    await record_interaction(client, account["id"], occurred_at=at(-0.5), keeps_follow_up_ids=late)
    read = (await client.get(f"/v1/accounts/{account['id']}")).json()
    assert "follow_up_overdue" not in [s["code"] for s in read["health"]["signals"]]


async def test_deleting_the_promising_interaction_withdraws_its_follow_up(client):
    account = await create_account(client, name="Initech")
    made = await record_interaction(client, account["id"], occurred_at=at(-2), next_contact_at=at(1))
    [follow_up] = (await follow_ups(client))["items"]
    assert (await client.delete(f"/v1/interactions/{made['id']}")).status_code == 204
    assert_problem(await client.get(f"/v1/follow-ups/{follow_up['id']}"), 404)
    assert_problem(await client.patch(f"/v1/follow-ups/{follow_up['id']}", json={"status": "done"}), 404)
