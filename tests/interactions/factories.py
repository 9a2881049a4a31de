"""Builders of interactions for tests."""

from datetime import UTC, datetime, timedelta

from tests.builders import created


async def record_interaction(client, account_id: str, **fields) -> dict:
    body = {
        "account_id": account_id,
        "type": "meeting",
        "purpose": "relationship",
        "occurred_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat(),
        **fields,
    }
    return await created(client, "/v1/interactions", body)
