"""Every create takes an Idempotency-Key: the same key and body replay the first answer (same id,
same headers, nothing created twice); the same key with another body is a 409."""

import pytest

from tests.factories import assert_problem, create_account
from tests.plans.factories import create_plan


@pytest.fixture
async def targets(client, users):
    account = await create_account(client)
    plan = await create_plan(client, account["id"])
    objective = {"title": "Grow", "owner_id": str(users["kam"].id), "horizon": "long"}
    return {
        "/v1/accounts": {"name": "Once only"},
        "/v1/contacts": {"account_id": account["id"], "first_name": "Ida", "last_name": "Empotent"},
        "/v1/opportunities": {"account_id": account["id"], "name": "Deal", "type": "upsell", "amount": "5.00"},
        "/v1/plans": {
            "account_id": account["id"],
            "name": "P",
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
        },
        f"/v1/plans/{plan['id']}/objectives": objective,
        "/v1/interactions": {
            "account_id": account["id"],
            "type": "call",
            "purpose": "relationship",
            "occurred_at": "2026-01-01T10:00:00Z",
        },
        "/v1/reviews": {"account_id": account["id"], "held_at": "2026-01-01T10:00:00Z"},
        f"/v1/accounts/{account['id']}/measurements": {"kind": "engagement", "value": 7, "measured_at": "2026-01-01"},
        "/v1/users": {"email": "once@example.com", "name": "Once", "role": "viewer"},
    }


async def test_every_create_replays_the_first_answer_for_the_same_key_and_body(client, targets):
    for path, body in targets.items():
        headers = {"Idempotency-Key": f"retry-{path}"}
        first = await client.post(path, json=body, headers=headers)
        assert first.status_code == 201, (path, first.text)
        again = await client.post(path, json=body, headers=headers)
        assert (again.status_code, again.json()) == (201, first.json()), path
        assert again.headers.get("location") == first.headers.get("location")
        assert again.headers.get("etag") == first.headers.get("etag")
        other = await client.post(path, json=differently(path, body), headers=headers)
        assert_problem(other, 409)


def differently(path: str, body: dict) -> dict:
    """The same request with one field changed."""
    if path.endswith("/measurements"):
        return {**body, "value": 8}
    field = next(name for name in ("name", "first_name", "title", "held_at", "occurred_at") if name in body)
    changed = "2026-01-02T10:00:00Z" if field.endswith("_at") else body[field] + " again"
    return {**body, field: changed}


async def test_without_a_key_each_create_is_a_new_record(client, targets):
    path, body = "/v1/contacts", targets["/v1/contacts"]
    first, second = (await client.post(path, json=body)).json(), (await client.post(path, json=body)).json()
    assert first["id"] != second["id"]
