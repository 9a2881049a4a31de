"""Builders of plans, objectives and actions for tests."""

from tests.builders import created


async def create_plan(client, account_id: str, **fields) -> dict:
    body = {
        "account_id": account_id,
        "name": "Plan",
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
        **fields,
    }
    return await created(client, "/v1/plans", body)


async def add_objective(client, plan_id: str, owner_id, **fields) -> dict:
    """A SMART objective by default: an owner, a metric, a target, due within the medium horizon."""
    body = {
        "title": "Grow",
        "horizon": "medium",
        "owner_id": str(owner_id),
        "metric": "revenue",
        "target": 100,
        "due_date": "2026-10-01",
        **fields,
    }
    return await created(client, f"/v1/plans/{plan_id}/objectives", body)


async def add_action(client, plan_id: str, objective_id: str, **fields) -> dict:
    return await created(
        client, f"/v1/plans/{plan_id}/actions", {"objective_id": objective_id, "title": "Act", **fields}
    )
