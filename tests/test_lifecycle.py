"""One account walked through the lifecycle: understand, plan, grow, review and keep."""

from datetime import UTC, datetime, timedelta

from tests.factories import KEY_SCORES, assert_problem, create_account


def days_ago(days):
    return (datetime.now(UTC) - timedelta(days=days)).isoformat()


async def test_an_account_through_its_lifecycle(client, users):
    account = await create_account(client, name="Globex", scores=KEY_SCORES)
    assert account["cadence"]["base"] == "monthly"
    people = await understand_the_decision_chain(client, account["id"])
    await grow_and_lose_an_opportunity(client, account["id"])
    await plan_with_smart_objectives(client, account["id"], users)
    read = await record_interactions(client, account["id"], people)
    await review_the_account(client, account["id"], users, read["next_review_due"])
    await report_the_financials(client, account["id"])


async def understand_the_decision_chain(client, account_id) -> dict[str, str]:
    """The people and the decision chain: a reports-to tree, coverage of the buying roles."""

    async def contact(first, **fields):
        response = await client.post(
            "/v1/contacts", json={"account_id": account_id, "first_name": first, "last_name": "Globex", **fields}
        )
        assert response.status_code == 201, response.text
        return response.json()["id"]

    ceo = await contact(
        "Ceo", buying_roles=["decision_maker"], attitude="supporter", influence="high", relationship_strength="medium"
    )
    cfo = await contact(
        "Cfo",
        buying_roles=["economic_buyer"],
        attitude="opponent",
        influence="high",
        relationship_strength="weak",
        reports_to_id=ceo,
    )
    cto = await contact(
        "Cto",
        buying_roles=["technical_evaluator"],
        attitude="champion",
        influence="medium",
        relationship_strength="strong",
        reports_to_id=ceo,
    )
    buyer = await contact("Buyer", buying_roles=["procurement"], reports_to_id=cfo)

    chain = (await client.get(f"/v1/accounts/{account_id}/relationship-map")).json()
    assert [p["id"] for p in chain["chain"]] == [ceo]
    assert sorted(p["id"] for p in chain["chain"][0]["reports"]) == sorted([cfo, cto])
    cfo_node = next(p for p in chain["chain"][0]["reports"] if p["id"] == cfo)
    assert [p["id"] for p in cfo_node["reports"]] == [buyer]
    assert cfo_node["buying_roles"] == ["economic_buyer"]
    assert (cfo_node["attitude"], cfo_node["influence"], cfo_node["relationship_strength"]) == (
        "opponent",
        "high",
        "weak",
    )
    coverage = {c["role"]: c for c in chain["coverage"]}
    assert coverage["decision_maker"] == {
        "role": "decision_maker",
        "covered": True,
        "supportive": True,
        "contact_ids": [ceo],
    }
    assert coverage["economic_buyer"] == {
        "role": "economic_buyer",
        "covered": True,
        "supportive": False,
        "contact_ids": [cfo],
    }
    assert coverage["executive_sponsor"] == {
        "role": "executive_sponsor",
        "covered": False,
        "supportive": False,
        "contact_ids": [],
    }
    assert chain["champions"] == [cto]
    assert chain["influential_opponents"] == [cfo]
    assert chain["influential_barely_known"] == [cfo]
    return {"ceo": ceo, "cto": cto}


async def grow_and_lose_an_opportunity(client, account_id) -> None:
    """An opportunity weighted by its stage, lost only with a reason."""
    deal = (
        await client.post(
            "/v1/opportunities",
            json={
                "account_id": account_id,
                "name": "Platform upsell",
                "type": "upsell",
                "stage": "proposal",
                "amount": "250000.00",
            },
        )
    ).json()
    assert (deal["probability"], deal["weighted_amount"]) == (60, "150000.00")
    refused = await client.patch(f"/v1/opportunities/{deal['id']}", json={"stage": "closed_lost"})
    assert_problem(refused, 422, error_locs=[["body", "loss_reason"]])
    lost = (
        await client.patch(f"/v1/opportunities/{deal['id']}", json={"stage": "closed_lost", "loss_reason": "price"})
    ).json()
    assert (lost["stage"], lost["probability"], lost["weighted_amount"]) == ("closed_lost", 0, "0.00")
    assert lost["closed_at"] is not None


async def plan_with_smart_objectives(client, account_id, users) -> None:
    """A plan refused while an objective is not SMART, then activated, with its progress."""
    plan = (
        await client.post(
            "/v1/plans",
            json={
                "account_id": account_id,
                "name": "FY2027",
                "period_start": "2027-01-01",
                "period_end": "2027-12-31",
                "swot": {"strengths": ["installed base"], "threats": ["new competitor"]},
                "competitors": [{"name": "Initech", "position": "incumbent in EMEA", "strengths": ["price"]}],
            },
        )
    ).json()
    assert plan["status"] == "draft"
    grow = (
        await client.post(
            f"/v1/plans/{plan['id']}/objectives",
            json={
                "title": "Win the EMEA renewal",
                "horizon": "short",
                "owner_id": str(users["kam"].id),
                "metric": "contract value",
                "baseline": 100,
                "target": 200,
                "current": 150,
                "due_date": "2027-09-01",
            },
        )
    ).json()
    not_smart = await client.post(f"/v1/plans/{plan['id']}/activate")
    problem = assert_problem(not_smart, 422)
    assert problem["errors"][0]["loc"] == ["objectives", grow["id"]]
    assert "beyond the short horizon" in problem["errors"][0]["msg"]
    await client.patch(f"/v1/plans/{plan['id']}/objectives/{grow['id']}", json={"due_date": "2027-03-15"})
    await client.post(
        f"/v1/plans/{plan['id']}/actions", json={"objective_id": grow["id"], "title": "Meet CFO", "status": "done"}
    )
    await client.post(f"/v1/plans/{plan['id']}/actions", json={"objective_id": grow["id"], "title": "Send offer"})
    active = await client.post(f"/v1/plans/{plan['id']}/activate")
    assert active.status_code == 200, active.text
    detail = active.json()
    assert detail["status"] == "active"
    assert detail["objectives"][0]["progress"] == {"actions_done": 1, "actions_total": 2, "value_progress": 0.5}
    assert detail["swot"]["strengths"] == ["installed base"]


async def record_interactions(client, account_id, people) -> dict:
    """Every visit recorded, none in the future; the account knows its latest."""
    ceo, cto = people["ceo"], people["cto"]
    visit = await client.post(
        "/v1/interactions",
        json={
            "account_id": account_id,
            "type": "visit",
            "purpose": "relationship",
            "occurred_at": days_ago(3),
            "contact_ids": [ceo, cto],
            "summary": "Plant tour",
        },
    )
    assert visit.status_code == 201
    assert_problem(
        await client.post(
            "/v1/interactions", json={"account_id": account_id, "type": "call", "occurred_at": days_ago(-2)}
        ),
        422,
    )
    read = (await client.get(f"/v1/accounts/{account_id}")).json()
    assert read["last_interaction_at"] == visit.json()["occurred_at"]
    return read


async def review_the_account(client, account_id, users, due_before) -> None:
    """The latest review restarts the cadence clock."""
    held = datetime.now(UTC) - timedelta(days=1)
    review = await client.post(
        "/v1/reviews",
        json={
            "account_id": account_id,
            "held_at": held.isoformat(),
            "attendee_ids": [str(users["kam"].id)],
            "decisions": "Push the renewal",
        },
    )
    assert review.status_code == 201
    after_review = (await client.get(f"/v1/accounts/{account_id}")).json()
    assert (
        after_review["next_review_due"] == (held.date() + timedelta(days=after_review["cadence"]["days"])).isoformat()
    )
    assert after_review["next_review_due"] < due_before  # counted from yesterday's review, not today's tier
    assert after_review["last_review_at"] == review.json()["held_at"]


async def report_the_financials(client, account_id) -> None:
    """A high-value year makes the cadence one step more frequent."""
    put = await client.put(
        f"/v1/accounts/{account_id}/financials/2025", json={"revenue": "900000.00", "cost_to_serve": "600000.00"}
    )
    assert put.status_code == 201
    # The CFO, a high-influence opponent, keeps the account amber: one step from monthly.
    before = (await client.get(f"/v1/accounts/{account_id}")).json()
    assert (before["health"]["status"], [s["code"] for s in before["health"]["signals"]]) == (
        "amber",
        ["influential_opponent"],
    )
    assert (before["cadence"]["name"], [a["code"] for a in before["cadence"]["adjustments"]]) == (
        "biweekly",
        ["health_amber"],
    )
    await client.put(
        f"/v1/accounts/{account_id}/financials/2026", json={"revenue": "1200000.00", "cost_to_serve": "900000.00"}
    )
    high = (await client.get(f"/v1/accounts/{account_id}")).json()
    assert (high["latest_annual_revenue"], high["margin"]) == ("1200000.00", 0.25)
    assert (high["cadence"]["name"], [a["code"] for a in high["cadence"]["adjustments"]]) == (
        "weekly",
        ["health_amber", "high_value"],
    )
