"""Response headers that keep data out of caches and browsers' guesses, and conflicts that say
nothing about what the caller may not see."""

from tests.factories import assert_problem, create_account


async def test_every_response_says_nosniff_and_api_data_is_never_stored(client, anonymous):
    responses = [
        await client.get("/v1/accounts"),
        await client.get("/v1/users/me"),
        await anonymous.get("/v1/accounts"),
        await client.get("/v1/accounts/not-a-uuid"),
        await client.post("/v1/accounts", content=b"{", headers={"content-type": "application/json"}),
        await anonymous.get("/v1/meta"),
    ]
    for response in responses:
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["cache-control"] == "no-store"
    health = await anonymous.get("/healthz")
    assert health.headers["x-content-type-options"] == "nosniff"


async def test_a_duplicate_external_id_of_an_account_the_kam_cannot_see_names_nothing_of_it(client_for, users):
    other = await create_account(
        client_for(users["other_kam"]), name="Hidden Holdings", external_id="crm-777", industry="Secret Sauce"
    )
    kam = client_for(users["kam"])
    for response in (
        await kam.post("/v1/accounts", json={"name": "Mine", "external_id": "crm-777"}),
        await kam.patch(
            f"/v1/accounts/{(await create_account(kam, name='Also mine'))['id']}", json={"external_id": "crm-777"}
        ),
    ):
        body = assert_problem(response, 409)
        text = response.text
        for secret in (other["id"], "Hidden Holdings", "Secret Sauce", str(users["other_kam"].id)):
            assert secret not in text
        assert "external_id" in body["detail"]


async def test_a_duplicate_external_id_the_caller_may_see_names_its_holder(client_for, users):
    kam = client_for(users["kam"])
    holder = await create_account(kam, name="Mine already", external_id="crm-888")
    response = await kam.post("/v1/accounts", json={"name": "Second", "external_id": "crm-888"})
    body = assert_problem(response, 409)
    assert body["existing_id"] == holder["id"]
    contact = {"account_id": holder["id"], "first_name": "A", "last_name": "B", "external_id": "crm-c-1"}
    first = await kam.post("/v1/contacts", json=contact)
    body = assert_problem(await kam.post("/v1/contacts", json=contact), 409)
    assert body["existing_id"] == first.json()["id"]


async def test_lists_filter_by_external_id(client):
    account = await create_account(client, name="Keyed", external_id="crm-999")
    await create_account(client, name="Other", external_id="crm-1000")
    listed = (await client.get("/v1/accounts", params={"external_id": "crm-999"})).json()["items"]
    assert [item["id"] for item in listed] == [account["id"]]
    for path in ("/v1/contacts", "/v1/opportunities", "/v1/interactions"):
        assert (await client.get(path, params={"external_id": "nothing-here"})).json()["items"] == []
