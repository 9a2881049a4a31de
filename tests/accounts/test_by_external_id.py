"""PUT /v1/accounts/by-external-id/{key}: create or replace the account a CRM knows by its key."""

from tests.factories import KEY_SCORES, assert_problem, create_account

URL = "/v1/accounts/by-external-id/crm-7"


async def test_the_first_put_creates_and_the_next_replaces(client, users):
    body = {"name": "Initech", "industry": "Software", "scores": KEY_SCORES, "owner_id": str(users["kam"].id)}
    created = await client.put(URL, json=body)
    assert created.status_code == 201, created.text
    first = created.json()
    assert (first["external_id"], first["version"], created.headers["etag"]) == ("crm-7", 1, '"1"')

    scores = {key: value for key, value in KEY_SCORES.items() if key != "influence"}
    replaced = await client.put(URL, json={"name": "Initech AG", "scores": scores}, headers={"If-Match": '"1"'})
    assert replaced.status_code == 200, replaced.text
    second = replaced.json()
    assert (second["id"], second["version"], second["name"]) == (first["id"], 2, "Initech AG")
    assert second["industry"] is None  # a replacement: what the body leaves out takes its default
    assert "influence" not in second["scores"]
    assert second["owner"]["id"] == str(users["kam"].id)  # the owner changes only when named

    assert_problem(
        await client.put(URL, json={"name": "Stale"}, headers={"If-Match": '"1"'}), 412, code="stale-version"
    )
    assert_problem(await client.put(URL, json={"name": "X", "external_id": "crm-8"}), 422)
    listed = (await client.get("/v1/accounts", params={"external_id": "crm-7"})).json()["items"]
    assert [item["id"] for item in listed] == [first["id"]]


async def test_an_archived_or_unseen_holder_is_a_409(client_for, users):
    other = client_for(users["other_kam"])
    await create_account(other, name="Hidden", external_id="crm-hidden")
    kam = client_for(users["kam"])
    refused = await kam.put("/v1/accounts/by-external-id/crm-hidden", json={"name": "Mine?"})
    body = assert_problem(refused, 409)
    assert "existing_id" not in body and "Hidden" not in refused.text
    mine = await create_account(kam, name="Mine", external_id="crm-mine")
    await kam.delete(f"/v1/accounts/{mine['id']}")
    assert_problem(await kam.put("/v1/accounts/by-external-id/crm-mine", json={"name": "Back"}), 409)
