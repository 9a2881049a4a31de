"""Every list syncs: financials, measurements, team members, objectives and actions page by cursor,
sort by updated_at and take updated_since, like every other list."""

from tests.factories import create_account
from tests.plans.factories import add_action, add_objective, create_plan


async def walk(client, path, **params):
    """Every item of a list, one page at a time."""
    items, cursor = [], None
    while True:
        page = (await client.get(path, params={**params, "limit": 1, **({"cursor": cursor} if cursor else {})})).json()
        items += page["items"]
        if not (cursor := page["next_cursor"]):
            return items


async def test_lists_under_an_account_sort_by_updated_at_and_sync_since(client, users):
    account = await create_account(client)
    base = f"/v1/accounts/{account['id']}"
    for period in ("2024", "2025"):
        await client.put(f"{base}/financials/{period}", json={"revenue": "10.00"})
    for day in ("2026-01-01", "2026-01-02"):
        await client.post(f"{base}/measurements", json={"kind": "engagement", "value": 5, "measured_at": day})
    for role in ("kam", "manager"):
        await client.post(f"{base}/team", json={"user_id": str(users[role].id), "team_role": "sales"})
    plan = await create_plan(client, account["id"])
    objective = await add_objective(client, plan["id"], users["kam"].id)
    await add_action(client, plan["id"], objective["id"], title="Later", due_date="2026-09-01")
    await add_action(client, plan["id"], objective["id"], title="Undated")
    await add_action(client, plan["id"], objective["id"], title="Sooner", due_date="2026-03-01")
    lists = {
        f"{base}/financials": 2,
        f"{base}/measurements": 2,
        f"{base}/team": 2,
        f"/v1/plans/{plan['id']}/objectives": 1,
        f"/v1/plans/{plan['id']}/actions": 3,
    }
    for path, count in lists.items():
        changed = await walk(client, path, sort="updated_at")
        assert len(changed) == count, path
        assert [item["updated_at"] for item in changed] == sorted(item["updated_at"] for item in changed)
        latest = changed[-1]["updated_at"]
        assert (await walk(client, path, updated_since=latest))[-1]["updated_at"] == latest
        assert await walk(client, path, updated_since="2199-01-01T00:00:00Z") == []
    titles = [action["title"] for action in await walk(client, f"/v1/plans/{plan['id']}/actions")]
    assert titles == ["Sooner", "Later", "Undated"]
