"""Score, tier governance and cadence as a client sees them through the API."""

from datetime import date, timedelta

from sqlalchemy import text

from tests.factories import (
    KEY_SCORES,
    SIXTY_SCORES,
    SMALL_SCORES,
    assert_problem,
    create_account,
    judge_coverage_at_once,
    make_healthy,
)


async def test_product_example_scores_77_key_monthly(client, users):
    await judge_coverage_at_once(client)
    account = await create_account(client, scores=KEY_SCORES)
    # A brand-new key account knows nobody and has no plan: three ambers make it red, two steps.
    assert account["health"]["status"] == "red"
    assert {s["code"] for s in account["health"]["signals"]} == {
        "no_decision_maker_engaged",
        "no_champion",
        "no_active_plan",
    }
    assert (account["cadence"]["base"], account["cadence"]["name"]) == ("monthly", "weekly")
    assert [a["code"] for a in account["cadence"]["adjustments"]] == ["health_red"]
    account = await make_healthy(client, account["id"], users["kam"].id)
    assert account["score"] == 77.0
    assert account["computed_tier"] == "key"
    assert account["tier"] == "key"
    assert account["tier_pending_review"] is False
    assert account["missing_criteria"] == []
    assert account["cadence"] == {"name": "monthly", "days": 30, "base": "monthly", "adjustments": []}
    assert (
        account["next_review_due"] == (date.fromisoformat(account["tier_assigned_at"][:10]) + timedelta(30)).isoformat()
    )
    assert account["review_overdue"] is False


async def test_lowering_to_60_keeps_key_pending_until_a_tier_decision(client, users):
    account = await create_account(client, scores=KEY_SCORES)
    await make_healthy(client, account["id"], users["kam"].id)
    response = await client.patch(f"/v1/accounts/{account['id']}", json={"scores": SIXTY_SCORES})
    assert response.status_code == 200
    lowered = response.json()
    assert (lowered["score"], lowered["computed_tier"], lowered["tier"]) == (60.0, "mid", "key")
    assert lowered["tier_pending_review"] is True
    assert lowered["cadence"]["name"] == "monthly"  # still reviewed as a key account

    decision = await client.post(
        f"/v1/accounts/{account['id']}/tier-decisions", json={"decision": "demote", "reason": "volume moved away"}
    )
    assert decision.status_code == 201
    assert decision.json()["kind"] == "demotion"
    assert decision.json()["score"] == 60.0
    after = (await client.get(f"/v1/accounts/{account['id']}")).json()
    assert (after["tier"], after["tier_pending_review"], after["cadence"]["name"]) == ("mid", False, "quarterly")


async def test_keep_holds_the_tier_and_clears_the_review(client):
    account = await create_account(client, scores=KEY_SCORES)
    await client.patch(f"/v1/accounts/{account['id']}", json={"scores": SIXTY_SCORES})
    kept = await client.post(
        f"/v1/accounts/{account['id']}/tier-decisions", json={"decision": "keep", "reason": "strategic reference"}
    )
    assert kept.status_code == 201
    after = (await client.get(f"/v1/accounts/{account['id']}")).json()
    assert (after["tier"], after["computed_tier"], after["tier_pending_review"]) == ("key", "mid", False)

    # The computed tier falls further: the review is pending again.
    again = (await client.patch(f"/v1/accounts/{account['id']}", json={"scores": SMALL_SCORES})).json()
    assert (again["tier"], again["computed_tier"], again["tier_pending_review"]) == ("key", "small", True)


async def test_promotion_is_immediate_and_recorded_with_its_score(client):
    account = await create_account(client, scores=SMALL_SCORES)
    assert account["tier"] == "small"
    promoted = (await client.patch(f"/v1/accounts/{account['id']}", json={"scores": KEY_SCORES})).json()
    assert promoted["tier"] == "key"
    assert promoted["tier_pending_review"] is False

    history = (await client.get(f"/v1/accounts/{account['id']}/tier-decisions")).json()
    assert [(c["kind"], c["from_tier"], c["to_tier"], c["score"]) for c in history["items"]] == [
        ("initial", None, "small", 30.0),
        ("promotion", "small", "key", 77.0),
    ]
    assert history["next_cursor"] is None


async def test_set_by_hand_needs_a_reason_and_a_tier_and_is_in_the_history(client):
    account = await create_account(client, scores=SIXTY_SCORES)
    url = f"/v1/accounts/{account['id']}/tier-decisions"
    assert_problem(
        await client.post(url, json={"decision": "set", "tier": "key"}), 422, error_locs=[["body", "reason"]]
    )
    assert_problem(await client.post(url, json={"decision": "set", "reason": "x"}), 422, error_locs=[["body", "tier"]])
    assert_problem(
        await client.post(url, json={"decision": "keep", "tier": "key", "reason": "x"}),
        422,
        error_locs=[["body", "tier"]],
    )
    assert_problem(await client.post(url, json={"decision": "set", "tier": "mid", "reason": "same"}), 409)

    response = await client.post(url, json={"decision": "set", "tier": "key", "reason": "group-wide agreement"})
    assert response.status_code == 201
    assert response.json()["reason"] == "group-wide agreement"
    after = (await client.get(f"/v1/accounts/{account['id']}")).json()
    assert (after["tier"], after["tier_pending_review"]) == ("key", False)


async def test_demote_or_keep_without_a_pending_review_is_a_conflict(client):
    account = await create_account(client, scores=KEY_SCORES)
    for decision in ("demote", "keep"):
        response = await client.post(
            f"/v1/accounts/{account['id']}/tier-decisions", json={"decision": decision, "reason": "why not"}
        )
        body = assert_problem(response, 409)
        assert "not pending a demotion review" in body["detail"]
    history = (await client.get(f"/v1/accounts/{account['id']}/tier-decisions")).json()
    assert [c["kind"] for c in history["items"]] == ["initial"]


async def test_tier_decisions_of_an_unknown_account_are_404(client):
    url = "/v1/accounts/00000000-0000-0000-0000-000000000000/tier-decisions"
    assert_problem(await client.get(url), 404)
    assert_problem(await client.post(url, json={"decision": "keep", "reason": "x"}), 404)


async def test_an_account_missing_criteria_has_no_score_no_tier_and_a_quarterly_cadence(client):
    account = await create_account(client, scores={"profitability": 9})
    assert account["score"] is None
    assert account["missing_criteria"] == ["revenue_potential", "relationship", "strategic_fit", "influence"]
    assert (account["computed_tier"], account["tier"], account["tier_assigned_at"]) == (None, None, None)
    assert account["cadence"]["base"] == "quarterly"
    days = account["cadence"]["days"]
    assert account["next_review_due"] == (date.fromisoformat(account["created_at"][:10]) + timedelta(days)).isoformat()


async def test_a_review_is_overdue_once_the_due_date_has_passed(client, connection, users):
    account = await create_account(client, scores=KEY_SCORES)
    await make_healthy(client, account["id"], users["kam"].id)
    await connection.execute(
        text("UPDATE accounts SET tier_assigned_at = now() - interval '31 days' WHERE id = :id"), {"id": account["id"]}
    )
    overdue = (await client.get(f"/v1/accounts/{account['id']}")).json()
    assert overdue["review_overdue"] is True
    await connection.execute(
        text("UPDATE accounts SET tier_assigned_at = now() - interval '29 days' WHERE id = :id"), {"id": account["id"]}
    )
    assert (await client.get(f"/v1/accounts/{account['id']}")).json()["review_overdue"] is False


async def test_a_demotion_starts_no_onboarding_grace_but_a_promotion_does(client, connection):
    account = await create_account(client, scores=KEY_SCORES)  # no decision maker, no champion, no plan
    await connection.execute(
        text("UPDATE accounts SET created_at = now() - interval '200 days' WHERE id = :id"), {"id": account["id"]}
    )
    assert (await client.patch(f"/v1/accounts/{account['id']}", json={"notes": "touch"})).json()["health"][
        "status"
    ] == "red"
    await client.patch(f"/v1/accounts/{account['id']}", json={"scores": SIXTY_SCORES})
    decision = await client.post(
        f"/v1/accounts/{account['id']}/tier-decisions", json={"decision": "demote", "reason": "volume moved away"}
    )
    assert decision.status_code == 201, decision.text
    demoted = (await client.get(f"/v1/accounts/{account['id']}")).json()
    assert demoted["tier"] == "mid"
    assert demoted["health"]["onboarding_until"] is None
    assert demoted["health"]["status"] == "red", demoted["health"]
    at_risk = (await client.get("/v1/reports/at-risk")).json()
    assert account["id"] in [item["account_id"] for item in at_risk["items"]]
    # Promoted back to key: more is asked of it, and it gets the time to build it.
    promoted = (await client.patch(f"/v1/accounts/{account['id']}", json={"scores": KEY_SCORES})).json()
    assert promoted["tier"] == "key"
    assert promoted["health"]["onboarding_until"] is not None
    assert "no_decision_maker_engaged" not in [signal["code"] for signal in promoted["health"]["signals"]]
