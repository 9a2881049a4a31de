"""Builders of opportunities for tests."""

from tests.builders import created


async def create_opportunity(client, account_id: str, **fields) -> dict:
    body = {"account_id": account_id, "name": "Deal", "type": "upsell", "amount": "1000.00", **fields}
    return await created(client, "/v1/opportunities", body)
