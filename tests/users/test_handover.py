"""POST /v1/users/{id}/handover: a leaving user's accounts and open work move to a successor in one
transaction, each change audited with the reason; deactivating never orphans an account."""

import asyncio

from tests.conftest import make_user
from tests.factories import assert_problem, create_account
from tests.opportunities.test_policy_exceptions import opportunity
from tests.plans.factories import add_action, add_objective, create_plan


async def world_of(client, users, leaving):
    """Everything ``leaving`` holds: open work and closed work, which stays as it was."""
    kam, successor = str(users[leaving].id), str(users["other_kam"].id)
    first = await create_account(client, name="First", owner_id=kam)
    second = await create_account(client, name="Second", owner_id=kam)
    archived = await create_account(client, name="Archived", owner_id=kam)
    assert (await client.delete(f"/v1/accounts/{archived['id']}")).status_code == 204
    elsewhere = await create_account(client, name="Elsewhere", owner_id=successor)
    for account in (first, elsewhere):
        response = await client.post(f"/v1/accounts/{account['id']}/team", json={"user_id": kam, "team_role": "sales"})
        assert response.status_code == 201, response.text
    await client.post(f"/v1/accounts/{elsewhere['id']}/team", json={"user_id": successor, "team_role": "sales"})
    open_deal = await opportunity(client, first, owner_id=kam, stage="proposal")
    won = await opportunity(client, first, owner_id=kam, stage="closed_won")
    plan = await create_plan(client, first["id"])
    objective = await add_objective(client, plan["id"], kam)
    achieved = await add_objective(client, plan["id"], kam, title="Done already")
    await client.patch(f"/v1/plans/{plan['id']}/objectives/{achieved['id']}", json={"status": "achieved"})
    acting = await add_action(client, plan["id"], objective["id"], owner_id=kam, status="in_progress")
    done = await add_action(client, plan["id"], objective["id"], owner_id=kam, status="done")
    return {
        "accounts": sorted([first["id"], second["id"], archived["id"]]),
        "opportunities": [open_deal["id"]],
        "objectives": [objective["id"]],
        "actions": [acting["id"]],
        "team_memberships": sorted([first["id"], elsewhere["id"]]),
        "kept": {"won": won["id"], "achieved": achieved["id"], "done": done["id"], "plan": plan["id"]},
    }


async def test_a_handover_moves_everything_open_and_audits_it_with_the_reason(client, client_for, users):
    held = await world_of(client, users, "kam")
    manager = client_for(users["manager"])
    body = {"to_user_id": str(users["other_kam"].id), "reason": "Kim leaves for the Berlin office"}
    response = await manager.post(f"/v1/users/{users['kam'].id}/handover", json=body)
    assert response.status_code == 200, response.text
    result = response.json()
    for name in ("accounts", "opportunities", "objectives", "actions", "team_memberships"):
        assert sorted(result[name]) == held[name], name
    assert result["moved"] == {
        "accounts": 3,
        "opportunities": 1,
        "objectives": 1,
        "actions": 1,
        "team_memberships": 2,
        "sponsorships": 0,
    }

    successor = str(users["other_kam"].id)
    for account_id in held["accounts"]:
        assert (await client.get(f"/v1/accounts/{account_id}")).json()["owner_id"] == successor
    assert (await client.get(f"/v1/opportunities/{held['opportunities'][0]}")).json()["owner_id"] == successor
    assert (await client.get(f"/v1/opportunities/{held['kept']['won']}")).json()["owner_id"] == str(users["kam"].id)
    plan = held["kept"]["plan"]
    actions = {a["id"]: a["owner_id"] for a in (await client.get(f"/v1/plans/{plan}/actions")).json()["items"]}
    assert actions == {held["actions"][0]: successor, held["kept"]["done"]: str(users["kam"].id)}
    for account_id in held["team_memberships"]:
        team = (await client.get(f"/v1/accounts/{account_id}/team")).json()["items"]
        assert [m["user_id"] for m in team] == [successor]  # taken over, or already there: once

    audit = (await client.get("/v1/audit", params={"limit": 200})).json()["items"]
    handed = [entry for entry in audit if entry["reason"] == body["reason"]]
    assert {entry["actor_id"] for entry in handed} == {str(users["manager"].id)}
    assert len(handed) == 3 + 1 + 1 + 1 + 2  # one entry per change
    again = await manager.post(f"/v1/users/{users['kam'].id}/handover", json=body)
    assert again.json()["moved"] == dict.fromkeys(result["moved"], 0)


async def test_who_may_hand_over_and_to_whom(client, client_for, users, session_factory):
    url = f"/v1/users/{users['kam'].id}/handover"
    body = {"to_user_id": str(users["other_kam"].id), "reason": "leaving"}
    assert_problem(await client_for(users["kam"]).post(url, json=body), 403)
    assert_problem(await client_for(users["viewer"]).post(url, json=body), 403)
    to_viewer = {**body, "to_user_id": str(users["viewer"].id)}
    assert_problem(await client.post(url, json=to_viewer), 422, error_locs=[["body", "to_user_id"]])
    to_self = {**body, "to_user_id": str(users["kam"].id)}
    assert_problem(await client.post(url, json=to_self), 422, error_locs=[["body", "to_user_id"]])
    gone = await make_user(session_factory, "kam", "gone-kam")
    await client.delete(f"/v1/users/{gone.id}")
    to_inactive = {**body, "to_user_id": str(gone.id)}
    assert_problem(await client.post(url, json=to_inactive), 422, error_locs=[["body", "to_user_id"]])
    assert_problem(await client.post(url, json={**body, "reason": ""}), 422, error_locs=[["body", "reason"]])
    unknown = "/v1/users/00000000-0000-4000-8000-000000000000/handover"
    assert_problem(await client.post(unknown, json=body), 404)


async def test_deactivating_a_user_who_holds_work_is_refused_unless_handed_over(client, users):
    held = await world_of(client, users, "kam")
    refused = await client.delete(f"/v1/users/{users['kam'].id}")
    detail = assert_problem(refused, 409, code="deactivation-blocked")["detail"]
    assert "3 accounts, 1 opportunities, 1 objectives, 1 actions, 2 team memberships, 0 sponsorships" in detail
    assert_problem(await client.patch(f"/v1/users/{users['kam'].id}", json={"active": False}), 409)
    assert (await client.get(f"/v1/users/{users['kam'].id}")).json()["active"] is True

    successor = str(users["other_kam"].id)
    done = await client.patch(f"/v1/users/{users['kam'].id}", params={"handover_to": successor}, json={"active": False})
    assert done.status_code == 200, done.text
    assert done.json()["active"] is False
    for account_id in held["accounts"]:
        assert (await client.get(f"/v1/accounts/{account_id}")).json()["owner_id"] == successor
    audit = (await client.get("/v1/audit", params={"limit": 200})).json()["items"]
    assert any(entry["reason"] and "deactivated" in entry["reason"] for entry in audit)


async def test_a_handover_and_a_concurrent_write_to_one_account_lose_nothing(committed_client):
    leaving = (
        await committed_client.post("/v1/users", json={"email": "l@example.com", "name": "L", "role": "kam"})
    ).json()
    successor = (
        await committed_client.post("/v1/users", json={"email": "s@example.com", "name": "S", "role": "kam"})
    ).json()
    accounts = [
        await create_account(committed_client, name=f"Account {index}", owner_id=leaving["id"]) for index in range(20)
    ]
    body = {"to_user_id": successor["id"], "reason": "restructuring"}
    handover, edit = await asyncio.gather(
        committed_client.post(f"/v1/users/{leaving['id']}/handover", json=body),
        committed_client.patch(f"/v1/accounts/{accounts[7]['id']}", json={"notes": "written meanwhile"}),
    )
    assert handover.status_code == 200, handover.text
    assert edit.status_code == 200, edit.text
    assert handover.json()["moved"]["accounts"] == 20
    owners = {
        account["id"]: (await committed_client.get(f"/v1/accounts/{account['id']}")).json() for account in accounts
    }
    assert {read["owner_id"] for read in owners.values()} == {successor["id"]}
    assert owners[accounts[7]["id"]]["notes"] == "written meanwhile"


async def test_executive_sponsorships_move_with_a_handover_and_keep_a_sponsor_from_leaving(client, users):
    manager, successor = users["manager"], users["admin"]
    sponsored = await create_account(client, name="Sponsored", executive_sponsor_id=str(manager.id))
    archived = await create_account(client, name="Old", executive_sponsor_id=str(manager.id))
    assert (await client.delete(f"/v1/accounts/{archived['id']}")).status_code == 204
    detail = assert_problem(await client.delete(f"/v1/users/{manager.id}"), 409)["detail"]
    assert "1 sponsorships" in detail
    assert_problem(await client.patch(f"/v1/users/{manager.id}", json={"role": "viewer"}), 409)
    body = {"to_user_id": str(successor.id), "reason": "Pat retires"}
    moved = (await client.post(f"/v1/users/{manager.id}/handover", json=body)).json()
    assert (moved["sponsorships"], moved["moved"]["sponsorships"]) == ([sponsored["id"]], 1)
    account = (await client.get(f"/v1/accounts/{sponsored['id']}")).json()
    assert account["executive_sponsor_id"] == str(successor.id)
    assert (await client.delete(f"/v1/users/{manager.id}")).status_code == 204


async def test_a_user_holding_work_becomes_a_viewer_only_with_a_handover(client, users):
    kam, successor = users["kam"], users["other_kam"]
    account = await create_account(client, name="Owned", owner_id=str(kam.id))
    refused = await client.patch(f"/v1/users/{kam.id}", json={"role": "viewer"})
    assert "1 accounts" in assert_problem(refused, 409)["detail"]
    assert (await client.get(f"/v1/users/{kam.id}")).json()["role"] == "kam"
    done = await client.patch(f"/v1/users/{kam.id}", params={"handover_to": str(successor.id)}, json={"role": "viewer"})
    assert done.status_code == 200, done.text
    assert done.json()["role"] == "viewer"
    assert (await client.get(f"/v1/accounts/{account['id']}")).json()["owner_id"] == str(successor.id)
    audit = (await client.get("/v1/audit", params={"limit": 50})).json()["items"]
    assert any(entry["reason"] and "became a viewer" in entry["reason"] for entry in audit)
    # Nothing held: the role changes freely.
    assert (await client.patch(f"/v1/users/{successor.id}", json={"role": "manager"})).status_code == 200
