"""Builders of contacts for tests."""

from tests.builders import created


async def create_contact(client, account_id: str, **fields) -> dict:
    return await created(
        client, "/v1/contacts", {"account_id": account_id, "first_name": "Cora", "last_name": "Contact", **fields}
    )
