"""Money travels as a string with at most two decimals, in and out: a number is refused, so no client
rounds an amount through a float."""

import re

import pytest

from app.plumbing.schemas import MONEY_PATTERN
from tests.factories import assert_problem, create_account


@pytest.mark.parametrize("amount", [1000, 1000.5, "1e3", "-5.00", "1.005", "NaN"])
async def test_money_that_is_not_a_decimal_string_is_a_422(client, amount):
    account = await create_account(client)
    response = await client.put(f"/v1/accounts/{account['id']}/financials/2025", json={"revenue": amount})
    assert_problem(response, 422, error_locs=[["body", "revenue"]])


async def test_money_is_read_as_a_string_matching_the_documented_pattern(client):
    account = await create_account(client)
    response = await client.put(f"/v1/accounts/{account['id']}/financials/2025", json={"revenue": "1250000.5"})
    assert response.json()["revenue"] == "1250000.50"
    assert re.fullmatch(MONEY_PATTERN, response.json()["revenue"])
    deal = await client.post(
        "/v1/opportunities", json={"account_id": account["id"], "name": "D", "type": "upsell", "amount": "99.90"}
    )
    assert (deal.json()["amount"], deal.json()["weighted_amount"]) == ("99.90", "9.99")
