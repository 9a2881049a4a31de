"""Builders of reviews for tests."""

from datetime import UTC, datetime, timedelta

from tests.builders import created


async def record_review(client, account_id: str, **fields) -> dict:
    body = {"account_id": account_id, "held_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat(), **fields}
    return await created(client, "/v1/reviews", body)
