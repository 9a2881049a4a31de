"""/v1/accounts/{id}/buying-centers: the units of an account that buy on their own, scoped like it."""

from tests.factories import assert_problem, create_account

PLANT = {"name": "Plant Lyon", "kind": "division", "external_id": "crm-bc-1"}


async def test_an_account_s_buying_centers_are_recorded_listed_changed_and_deleted(client):
    account = await create_account(client, name="Acme")
    base = f"/v1/accounts/{account['id']}/buying-centers"
    created = await client.post(base, json=PLANT)
    assert created.status_code == 201, created.text
    center = created.json()
    assert (center["account_id"], center["kind"], center["version"]) == (account["id"], "division", 1)
    await client.post(base, json={"name": "Finance", "kind": "function"})
    listed = (await client.get(base)).json()["items"]
    assert [c["name"] for c in listed] == ["Finance", "Plant Lyon"]
    assert [c["name"] for c in (await client.get(base, params={"kind": "function"})).json()["items"]] == ["Finance"]

    changed = await client.patch(f"{base}/{center['id']}", json={"kind": "region"}, headers={"If-Match": '"1"'})
    assert changed.status_code == 200 and changed.json()["kind"] == "region"
    assert_problem(await client.patch(f"{base}/{center['id']}", json={"name": "X"}, headers={"If-Match": '"1"'}), 412)
    assert (await client.delete(f"{base}/{center['id']}")).status_code == 204
    assert_problem(await client.get(f"{base}/{center['id']}"), 404)


async def test_a_name_is_unique_within_the_account_and_a_key_across_accounts(client):
    first = await create_account(client, name="First")
    second = await create_account(client, name="Second")
    assert (await client.post(f"/v1/accounts/{first['id']}/buying-centers", json=PLANT)).status_code == 201
    assert_problem(
        await client.post(f"/v1/accounts/{first['id']}/buying-centers", json={**PLANT, "external_id": None}), 409
    )
    assert_problem(await client.post(f"/v1/accounts/{second['id']}/buying-centers", json=PLANT), 409)
    assert (
        await client.post(f"/v1/accounts/{second['id']}/buying-centers", json={**PLANT, "external_id": "crm-bc-2"})
    ).status_code == 201
    assert_problem(
        await client.post(f"/v1/accounts/{first['id']}/buying-centers", json={"name": "X", "kind": "subsidiary"}), 422
    )


async def test_a_center_is_reached_only_through_its_own_account(client):
    first = await create_account(client, name="First")
    second = await create_account(client, name="Second")
    center = (await client.post(f"/v1/accounts/{first['id']}/buying-centers", json=PLANT)).json()
    assert_problem(await client.get(f"/v1/accounts/{second['id']}/buying-centers/{center['id']}"), 404)
    assert_problem(await client.delete(f"/v1/accounts/{second['id']}/buying-centers/{center['id']}"), 404)


async def test_a_kam_sees_and_changes_only_its_accounts_centers_and_a_viewer_changes_none(client, client_for, users):
    mine = await create_account(client, name="Mine", owner_id=str(users["kam"].id))
    other = await create_account(client, name="Other", owner_id=str(users["other_kam"].id))
    kam, viewer = client_for(users["kam"]), client_for(users["viewer"])
    assert (await kam.post(f"/v1/accounts/{mine['id']}/buying-centers", json=PLANT)).status_code == 201
    assert_problem(
        await kam.post(f"/v1/accounts/{other['id']}/buying-centers", json={**PLANT, "external_id": "k"}), 404
    )
    assert_problem(await kam.get(f"/v1/accounts/{other['id']}/buying-centers"), 404)
    assert_problem(
        await viewer.post(f"/v1/accounts/{mine['id']}/buying-centers", json={"name": "V", "kind": "region"}), 403
    )
    assert len((await viewer.get(f"/v1/accounts/{mine['id']}/buying-centers")).json()["items"]) == 1


async def test_each_change_is_told_and_audited_under_its_account(client):
    account = await create_account(client, name="Acme")
    base = f"/v1/accounts/{account['id']}/buying-centers"
    center = (await client.post(base, json=PLANT)).json()
    await client.patch(f"{base}/{center['id']}", json={"name": "Plant Lyon Sud"})
    await client.delete(f"{base}/{center['id']}")
    events = (await client.get("/v1/events", params={"limit": 200})).json()["items"]
    told = [(e["type"], e["account_id"]) for e in events if e["entity_id"] == center["id"]]
    assert told == [
        ("buying_center.created", account["id"]),
        ("buying_center.updated", account["id"]),
        ("buying_center.deleted", account["id"]),
    ]
    history = (await client.get(f"/v1/accounts/{account['id']}/history")).json()["items"]
    assert {e["action"] for e in history if e["entity_type"] == "buying_center"} == {"create", "update", "delete"}
