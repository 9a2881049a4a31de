"""Opportunities name what they would sell (an offering) and, optionally, which buying center buys it."""

from tests.factories import assert_problem, create_account
from tests.opportunities.factories import create_opportunity


async def _setup(client):
    account = await create_account(client, name="Acme")
    other = await create_account(client, name="Other")
    offering = (await client.post("/v1/offerings", json={"name": "Analytics", "code": "ANALYTICS"})).json()["id"]
    plant = (
        await client.post(f"/v1/accounts/{account['id']}/buying-centers", json={"name": "Plant", "kind": "division"})
    ).json()["id"]
    elsewhere = (
        await client.post(f"/v1/accounts/{other['id']}/buying-centers", json={"name": "HQ", "kind": "region"})
    ).json()["id"]
    return account, offering, plant, elsewhere


async def test_an_opportunity_names_its_offering_and_buying_center(client):
    account, offering, plant, _ = await _setup(client)
    deal = await create_opportunity(client, account["id"], offering_id=offering, buying_center_id=plant)
    assert (deal["offering_id"], deal["buying_center_id"]) == (offering, plant)
    listed = (await client.get("/v1/opportunities", params={"offering_id": offering})).json()["items"]
    assert [d["id"] for d in listed] == [deal["id"]]
    by_center = (await client.get("/v1/opportunities", params={"buying_center_id": plant})).json()["items"]
    assert [d["id"] for d in by_center] == [deal["id"]]
    moved = await client.patch(f"/v1/opportunities/{deal['id']}", json={"buying_center_id": None})
    assert moved.status_code == 200 and moved.json()["buying_center_id"] is None


async def test_an_unknown_offering_or_another_account_s_center_is_a_422(client):
    account, _, _, elsewhere = await _setup(client)
    body = {"account_id": account["id"], "name": "Deal", "type": "upsell", "amount": "10.00"}
    unknown = await client.post("/v1/opportunities", json={**body, "offering_id": account["id"]})
    assert_problem(unknown, 422, error_locs=[["body", "offering_id"]])
    foreign = await client.post("/v1/opportunities", json={**body, "buying_center_id": elsewhere})
    assert_problem(foreign, 422, error_locs=[["body", "buying_center_id"]])
    deal = await create_opportunity(client, account["id"])
    assert_problem(
        await client.patch(f"/v1/opportunities/{deal['id']}", json={"buying_center_id": elsewhere}),
        422,
        error_locs=[["body", "buying_center_id"]],
    )


async def test_a_batch_keeps_the_offering_a_kam_set_unless_it_names_one(client):
    account, offering, plant, elsewhere = await _setup(client)
    item = {"external_id": "crm-o-1", "account_id": account["id"], "name": "Deal", "type": "upsell", "amount": "5"}
    first = (await client.post("/v1/opportunities/batch/upsert", json={"items": [item]})).json()
    deal_id = first["items"][0]["id"]
    await client.patch(f"/v1/opportunities/{deal_id}", json={"offering_id": offering, "buying_center_id": plant})
    again = (await client.post("/v1/opportunities/batch/upsert", json={"items": [item]})).json()
    assert again["unchanged"] == 1, again["items"][0]["problem"]
    kept = (await client.get(f"/v1/opportunities/{deal_id}")).json()
    assert (kept["offering_id"], kept["buying_center_id"]) == (offering, plant)
    wrong = (
        await client.post("/v1/opportunities/batch/upsert", json={"items": [{**item, "buying_center_id": elsewhere}]})
    ).json()
    assert wrong["failed"] == 1 and wrong["items"][0]["problem"]["status"] == 422


async def test_a_buying_center_an_opportunity_names_is_not_deleted(client):
    account, offering, plant, _ = await _setup(client)
    await create_opportunity(client, account["id"], offering_id=offering, buying_center_id=plant)
    assert_problem(await client.delete(f"/v1/accounts/{account['id']}/buying-centers/{plant}"), 409)
