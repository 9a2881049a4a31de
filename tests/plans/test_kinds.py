"""Plans have a kind: a growth project mines a promising account, a recovery project reverses a
shrinking one. An active recovery plan answers a red revenue decline (the no_recovery_plan signal),
and the operating report names each project with its progress."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from tests.factories import assert_problem, create_account
from tests.plans.factories import add_objective, create_plan


async def test_a_plan_has_a_kind_that_lists_filter_and_updates_change(client):
    account = await create_account(client)
    standard = await create_plan(client, account["id"])
    growth = await create_plan(client, account["id"], name="Mine it", kind="growth")
    assert (standard["kind"], growth["kind"]) == ("standard", "growth")
    listed = (await client.get("/v1/plans", params={"kind": "growth"})).json()["items"]
    assert [plan["id"] for plan in listed] == [growth["id"]]
    changed = await client.patch(f"/v1/plans/{standard['id']}", json={"kind": "recovery"})
    assert changed.json()["kind"] == "recovery"
    refused = await client.post(
        "/v1/plans",
        json={
            "account_id": account["id"],
            "name": "X",
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
            "kind": "rescue",
        },
    )
    assert_problem(refused, 422, error_locs=[["body", "kind"]])


async def signals(client, account_id):
    read = (await client.get(f"/v1/accounts/{account_id}")).json()
    return {signal["code"] for signal in read["health"]["signals"]}


async def activate(client, plan, owner_id):
    await add_objective(client, plan["id"], owner_id)
    response = await client.post(f"/v1/plans/{plan['id']}/activate")
    assert response.status_code == 200, response.text


async def test_a_red_decline_asks_for_an_active_recovery_plan_after_its_grace(client, connection, users):
    account = await create_account(client, name="Shrinking")
    await client.put(f"/v1/accounts/{account['id']}/financials/2025", json={"revenue": "1000.00"})
    await client.put(f"/v1/accounts/{account['id']}/financials/2026", json={"revenue": "700.00"})
    assert "revenue_decline" in await signals(client, account["id"])
    assert "no_recovery_plan" not in await signals(client, account["id"])  # known today: within its grace

    # The figures were written fifteen days ago; a later write gathers the facts again.
    await connection.execute(
        text("UPDATE financials SET updated_at = :at WHERE account_id = :id"),
        {"at": datetime.now(UTC) - timedelta(days=15), "id": account["id"]},
    )
    await client.put(f"/v1/accounts/{account['id']}/financials/2023", json={"revenue": "900.00"})
    assert "no_recovery_plan" in await signals(client, account["id"])
    listed = (await client.get("/v1/accounts", params={"signal": "no_recovery_plan"})).json()["items"]
    assert [item["id"] for item in listed] == [account["id"]]

    standard = await create_plan(client, account["id"])
    await activate(client, standard, users["kam"].id)
    assert "no_recovery_plan" in await signals(client, account["id"])  # a plan, but not a recovery plan
    recovery = await create_plan(client, account["id"], name="Win it back", kind="recovery")
    await activate(client, recovery, users["kam"].id)
    assert "no_recovery_plan" not in await signals(client, account["id"])


async def test_the_operating_report_names_the_projects_and_their_progress(client, users):
    account = await create_account(client, name="Project")
    recovery = await create_plan(client, account["id"], name="Win it back", kind="recovery")
    await add_objective(client, recovery["id"], users["kam"].id, baseline=0, target=100, current=50)
    await add_objective(client, recovery["id"], users["kam"].id, baseline=0, target=10, current=10, status="achieved")
    assert (await client.post(f"/v1/plans/{recovery['id']}/activate")).status_code == 200
    report = (await client.get(f"/v1/accounts/{account['id']}/report")).json()
    project = report["churn"]["recovery_project"]
    assert (project["name"], project["kind"], project["objectives"], project["objectives_achieved"]) == (
        "Win it back",
        "recovery",
        2,
        1,
    )
    assert project["progress"] == 0.75
    assert report["growth"]["growth_project"] is None and report["growth"]["plan"]["kind"] == "recovery"
    markdown = (await client.get(f"/v1/accounts/{account['id']}/report", headers={"Accept": "text/markdown"})).text
    assert "- Recovery project: Win it back (to 2026-12-31), 1 of 2 objectives achieved, 75.0% of the way" in markdown

    growth = await create_plan(client, account["id"], name="Mine it", kind="growth")
    await activate(client, growth, users["kam"].id)
    report = (await client.get(f"/v1/accounts/{account['id']}/report")).json()
    assert report["churn"]["recovery_project"] is None
    assert report["growth"]["growth_project"]["name"] == "Mine it"
    assert report["growth"]["growth_project"]["progress"] is None  # no objective with figures yet


async def test_the_recovery_grace_changes_with_the_rules(client):
    account = await create_account(client, name="Shrinking fast")
    await client.put(f"/v1/accounts/{account['id']}/financials/2025", json={"revenue": "1000.00"})
    await client.put(f"/v1/accounts/{account['id']}/financials/2026", json={"revenue": "700.00"})
    assert "no_recovery_plan" not in await signals(client, account["id"])
    rules = (await client.get("/v1/rules")).json()
    rules.pop("version")
    rules["health"]["recovery_grace_days"] = 0
    assert (await client.put("/v1/rules", json=rules)).status_code == 202
    assert "no_recovery_plan" in await signals(client, account["id"])
