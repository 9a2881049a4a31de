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
