"""Plans: drafts, one active plan per account, objectives and actions."""

import pytest

from tests.factories import assert_problem, create_account
from tests.plans.factories import add_objective, create_plan


@pytest.fixture
async def account(client):
    return await create_account(client, name="Stark")


async def plan(client, account, **fields):
    return await create_plan(client, account["id"], **fields)


async def smart_objective(client, plan_id, users, **fields):
    return await add_objective(client, plan_id, users["kam"].id, **fields)


async def test_activating_a_plan_archives_the_active_one(client, account, users):
    first = await plan(client, account, name="First")
    await smart_objective(client, first["id"], users)
    assert (await client.post(f"/v1/plans/{first['id']}/activate")).json()["status"] == "active"
    second = await plan(client, account, name="Second")
    await smart_objective(client, second["id"], users)
    await client.post(f"/v1/plans/{second['id']}/activate")
    statuses = {
        p["name"]: p["status"]
        for p in (await client.get("/v1/plans", params={"account_id": account["id"]})).json()["items"]
    }
    assert statuses == {"First": "archived", "Second": "active"}
    active = (await client.get("/v1/plans", params={"status": "active"})).json()["items"]
    assert [p["name"] for p in active] == ["Second"]


async def test_activation_names_every_objective_that_is_not_smart(client, account, users):
    draft = await plan(client, account)
    assert_problem(await client.post(f"/v1/plans/{draft['id']}/activate"), 422, error_locs=[["objectives"]])
    fine = await smart_objective(client, draft["id"], users)
    vague = (
        await client.post(f"/v1/plans/{draft['id']}/objectives", json={"title": "Be loved", "horizon": "long"})
    ).json()
    late = await smart_objective(client, draft["id"], users, title="Late", horizon="short", due_date="2026-06-01")
    problem = assert_problem(await client.post(f"/v1/plans/{draft['id']}/activate"), 422)
    by_objective = {e["loc"][1]: e["msg"] for e in problem["errors"]}
    assert set(by_objective) == {vague["id"], late["id"]}
    assert by_objective[vague["id"]] == "no owner, no metric, no target value, no due date"
    assert "short horizon" in by_objective[late["id"]]
    assert fine["id"] not in problem["detail"]
    assert (await client.get(f"/v1/plans/{draft['id']}")).json()["status"] == "draft"


async def test_actions_belong_to_an_objective_of_the_same_plan(client, account, users):
    one, other = await plan(client, account), await plan(client, account)
    mine = await smart_objective(client, one["id"], users)
    theirs = await smart_objective(client, other["id"], users)
    assert_problem(
        await client.post(f"/v1/plans/{one['id']}/actions", json={"objective_id": theirs["id"], "title": "x"}), 422
    )
    action = (
        await client.post(f"/v1/plans/{one['id']}/actions", json={"objective_id": mine["id"], "title": "Call"})
    ).json()
    assert_problem(await client.delete(f"/v1/plans/{one['id']}/objectives/{mine['id']}"), 409)
    assert_problem(await client.patch(f"/v1/plans/{other['id']}/actions/{action['id']}", json={"title": "x"}), 404)
    assert (await client.delete(f"/v1/plans/{one['id']}/actions/{action['id']}")).status_code == 204
    assert (await client.delete(f"/v1/plans/{one['id']}/objectives/{mine['id']}")).status_code == 204


async def test_only_drafts_are_deleted_and_periods_stay_in_order(client, account, users):
    assert_problem(
        await client.post(
            "/v1/plans",
            json={
                "account_id": account["id"],
                "name": "Backwards",
                "period_start": "2026-12-31",
                "period_end": "2026-01-01",
            },
        ),
        422,
    )
    draft = await plan(client, account)
    assert_problem(await client.patch(f"/v1/plans/{draft['id']}", json={"period_end": "2025-01-01"}), 422)
    await smart_objective(client, draft["id"], users)
    await client.post(f"/v1/plans/{draft['id']}/activate")
    assert_problem(await client.delete(f"/v1/plans/{draft['id']}"), 409)
    archived = (await client.patch(f"/v1/plans/{draft['id']}", json={"status": "archived"})).json()
    assert archived["status"] == "archived"
    assert (await client.delete(f"/v1/plans/{(await plan(client, account))['id']}")).status_code == 204


async def test_objectives_and_actions_honour_if_match(client, account, users):
    draft = await plan(client, account)
    objective = await smart_objective(client, draft["id"], users)
    url = f"/v1/plans/{draft['id']}/objectives/{objective['id']}"
    changed = await client.patch(url, json={"current": 10}, headers={"If-Match": '"1"'})
    assert (changed.status_code, changed.headers["etag"]) == (200, '"2"')
    assert_problem(await client.patch(url, json={"current": 20}, headers={"If-Match": '"1"'}), 412)
    created = await client.post(
        f"/v1/plans/{draft['id']}/actions", json={"objective_id": objective["id"], "title": "Call the CFO"}
    )
    assert created.headers["etag"] == '"1"'
    action_url = f"/v1/plans/{draft['id']}/actions/{created.json()['id']}"
    assert_problem(await client.delete(action_url, headers={"If-Match": '"7"'}), 412)
    assert (await client.delete(action_url, headers={"If-Match": '"1"'})).status_code == 204
    assert_problem(await client.delete(url, headers={"If-Match": '"1"'}), 412)
    assert (await client.delete(url, headers={"If-Match": '"2"'})).status_code == 204
