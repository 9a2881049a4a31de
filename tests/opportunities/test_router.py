"""Opportunities: probabilities, weighted amounts, closing, reopening and filters."""

import pytest

from tests.factories import assert_problem, create_account


@pytest.fixture
async def account(client):
    return await create_account(client, name="Wayne")


async def opportunity(client, account, **fields):
    body = {"account_id": account["id"], "name": "Deal", "type": "new_business", "amount": "1000.00", **fields}
    response = await client.post("/v1/opportunities", json=body)
    assert response.status_code == 201, response.text
    return response.json()


async def test_defaults_and_a_probability_set_by_hand(client, account, users):
    deal = await opportunity(client, account)
    assert (deal["stage"], deal["probability"], deal["probability_set_by_hand"]) == ("prospecting", 10, False)
    assert (deal["weighted_amount"], deal["owner_id"]) == ("100.00", str(users["admin"].id))
    manual = (await client.patch(f"/v1/opportunities/{deal['id']}", json={"probability": 35})).json()
    assert (manual["probability"], manual["probability_set_by_hand"], manual["weighted_amount"]) == (35, True, "350.00")
    reset = (await client.patch(f"/v1/opportunities/{deal['id']}", json={"probability": None})).json()
    assert reset["probability"] == 10


async def test_closing_and_reopening(client, account):
    deal = await opportunity(client, account, stage="negotiation", competitors=["Initech"])
    won = (await client.patch(f"/v1/opportunities/{deal['id']}", json={"stage": "closed_won"})).json()
    assert (won["probability"], won["weighted_amount"]) == (100, "1000.00")
    assert won["closed_at"] is not None
    moved = assert_problem(await client.patch(f"/v1/opportunities/{deal['id']}", json={"stage": "proposal"}), 409)
    assert "reopen" in moved["detail"]
    assert_problem(await client.delete(f"/v1/opportunities/{deal['id']}"), 409)
    reopened = (await client.post(f"/v1/opportunities/{deal['id']}/reopen", json={"stage": "proposal"})).json()
    assert (reopened["stage"], reopened["closed_at"]) == ("proposal", None)
    assert_problem(await client.post(f"/v1/opportunities/{deal['id']}/reopen"), 409)


async def test_created_lost_needs_a_reason_and_is_closed_at_once(client, account):
    assert_problem(
        await client.post(
            "/v1/opportunities",
            json={"account_id": account["id"], "name": "x", "type": "upsell", "amount": "1.00", "stage": "closed_lost"},
        ),
        422,
    )
    lost = await opportunity(client, account, stage="closed_lost", loss_reason="budget cut")
    assert lost["closed_at"] is not None


@pytest.mark.parametrize(
    ("fields", "loc"),
    [
        ({"amount": "-1.00"}, ["body", "amount"]),
        ({"amount": "1.234"}, ["body", "amount"]),
        ({"amount": "NaN"}, ["body", "amount"]),
        ({"probability": 101}, ["body", "probability"]),
        ({"type": "gift"}, ["body", "type"]),
        ({"stage": "won"}, ["body", "stage"]),
    ],
)
async def test_invalid_opportunities_are_refused(client, account, fields, loc):
    body = {"account_id": account["id"], "name": "x", "type": "upsell", "amount": "1.00", **fields}
    problem = assert_problem(await client.post("/v1/opportunities", json=body), 422)
    assert loc in [e["loc"] for e in problem["errors"]]


async def test_pipeline_filters_and_sorting(client, account, users):
    await opportunity(
        client, account, name="A", stage="proposal", type="upsell", amount="300.00", expected_close_date="2026-03-01"
    )
    await opportunity(
        client,
        account,
        name="B",
        stage="closed_won",
        type="renewal",
        amount="100.00",
        expected_close_date="2026-01-15",
        owner_id=str(users["kam"].id),
    )
    await opportunity(client, account, name="C", stage="negotiation", type="upsell", amount="200.00")

    async def names(**params):
        return [o["name"] for o in (await client.get("/v1/opportunities", params=params)).json()["items"]]

    assert await names() == ["B", "A", "C"]  # by expected close date, undated last
    assert await names(sort="-amount") == ["A", "C", "B"]
    assert await names(open="true") == ["A", "C"]
    assert await names(open="false") == ["B"]
    assert await names(type="upsell", sort="name") == ["A", "C"]
    assert await names(stage="negotiation") == ["C"]
    assert await names(owner_id=str(users["kam"].id)) == ["B"]
    assert await names(expected_close_from="2026-02-01", expected_close_to="2026-12-31") == ["A"]
    assert await names(account_id=account["id"], limit=1) == ["B"]
    first = (await client.get("/v1/opportunities", params={"limit": 2})).json()
    rest = (await client.get("/v1/opportunities", params={"limit": 2, "cursor": first["next_cursor"]})).json()
    assert [o["name"] for o in first["items"] + rest["items"]] == ["B", "A", "C"]
