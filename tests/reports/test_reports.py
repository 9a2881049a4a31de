"""Portfolio reports on hand-made portfolios whose answers are known."""

from datetime import date, timedelta

import pytest
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

PORTFOLIO = [  # name, scores (tier), latest annual revenue
    ("K1", KEY_SCORES, "500.00"),
    ("K2", KEY_SCORES, "300.00"),
    ("M1", SIXTY_SCORES, "100.00"),
    ("M2", SIXTY_SCORES, "50.00"),
    ("M3", SIXTY_SCORES, "50.00"),
    ("S1", SMALL_SCORES, "10.00"),
    ("S2", SMALL_SCORES, "10.00"),
    ("S3", SMALL_SCORES, "10.00"),
    ("S4", SMALL_SCORES, "10.00"),
    ("S5", SMALL_SCORES, "10.00"),
]


@pytest.fixture
async def portfolio(client, users):
    accounts = {}
    for index, (name, scores, revenue) in enumerate(PORTFOLIO):
        owner = users["kam"] if index % 2 == 0 else users["other_kam"]
        account = await create_account(client, name=name, scores=scores, owner_id=str(owner.id))
        # An older, larger year must not count: the latest year does.
        await client.put(f"/v1/accounts/{account['id']}/financials/2025", json={"revenue": "9999.00"})
        await client.put(f"/v1/accounts/{account['id']}/financials/2026", json={"revenue": revenue})
        accounts[name] = account
    await create_account(client, name="Unscored")  # no tier, no revenue
    return accounts


async def test_pyramid_counts_and_shares(client, portfolio):
    report = (await client.get("/v1/reports/pyramid")).json()
    levels = {level["tier"]: level for level in report["levels"]}
    assert (report["total_accounts"], report["total_revenue"]) == (11, "1050.00")
    assert [(t, levels[t]["accounts"], levels[t]["revenue"]) for t in ("key", "mid", "small", "none")] == [
        ("key", 2, "800.00"),
        ("mid", 3, "200.00"),
        ("small", 5, "50.00"),
        ("none", 1, "0.00"),
    ]
    assert levels["key"]["account_share"] == round(2 / 11, 4)
    assert levels["key"]["revenue_share"] == round(800 / 1050, 4)
    assert report["key_revenue_share"] == round(800 / 1050, 4)
    assert levels["small"]["revenue_share"] == round(50 / 1050, 4)


async def test_concentration_top_20_percent_and_top_n(client, portfolio):
    report = (await client.get("/v1/reports/concentration", params={"top": 3})).json()
    assert (report["accounts_with_revenue"], report["accounts_without_revenue"]) == (10, 1)
    assert report["top_20_percent_accounts"] == 2
    assert report["top_20_percent_share"] == round(800 / 1050, 4)
    assert (report["top_n"], report["top_n_share"]) == (3, round(900 / 1050, 4))
    assert [(a["name"], a["revenue"], a["cumulative_share"]) for a in report["top_accounts"]] == [
        ("K1", "500.00", round(500 / 1050, 4)),
        ("K2", "300.00", round(800 / 1050, 4)),
        ("M1", "100.00", round(900 / 1050, 4)),
    ]


async def test_reports_only_count_what_the_caller_may_see(client_for, users, portfolio):
    kam = client_for(users["kam"])  # owns K1, M1, M3, S2, S4
    report = (await kam.get("/v1/reports/pyramid")).json()
    assert (report["total_accounts"], report["total_revenue"]) == (5, "670.00")
    top = (await kam.get("/v1/reports/concentration")).json()["top_accounts"]
    assert [a["name"] for a in top] == ["K1", "M1", "M3", "S2", "S4"]


async def test_reviews_due_lists_overdue_first_then_by_date(client, users, connection):
    soon = await create_account(client, name="Soon", scores=KEY_SCORES)
    late = await create_account(client, name="Late", scores=KEY_SCORES)
    later = await create_account(client, name="Later", scores=SIXTY_SCORES)
    fine = await create_account(client, name="Fine", scores=SIXTY_SCORES)
    for account in (soon, late, later, fine):
        await make_healthy(client, account["id"], users["kam"].id)
    days = {"Soon": 20, "Late": 40, "Later": 105, "Fine": 0}  # monthly, monthly, quarterly, quarterly
    for account in (soon, late, later, fine):
        await connection.execute(
            text("UPDATE accounts SET tier_assigned_at = now() - make_interval(days => :d) WHERE id = :id"),
            {"d": days[account["name"]], "id": account["id"]},
        )
    # Written behind the service's back: forget the views kept, as a write through it judges again.
    await connection.execute(text("UPDATE account_facts SET judged_until = NULL"))
    report = (await client.get("/v1/reports/reviews-due", params={"days": 14})).json()
    assert [(i["name"], i["overdue"]) for i in report["items"]] == [("Later", True), ("Late", True), ("Soon", False)]
    assert (report["overdue"], report["due_soon"]) == (2, 1)
    assert [i["days_until_due"] for i in report["items"]] == [-15, -10, 10]
    assert [i["name"] for i in (await client.get("/v1/reports/reviews-due", params={"days": 0})).json()["items"]] == [
        "Later",
        "Late",
    ]


async def test_at_risk_lists_red_then_amber_with_signals(client, users):
    await judge_coverage_at_once(client)
    red = await create_account(client, name="Red", scores=KEY_SCORES)  # three ambers
    amber = await create_account(client, name="Amber", scores=SIXTY_SCORES)
    await make_healthy(client, amber["id"], users["kam"].id)
    await client.post(
        "/v1/contacts",
        json={
            "account_id": amber["id"],
            "first_name": "O",
            "last_name": "P",
            "attitude": "opponent",
            "influence": "high",
        },
    )
    green = await create_account(client, name="Green", scores=SIXTY_SCORES)
    await make_healthy(client, green["id"], users["kam"].id)
    report = (await client.get("/v1/reports/at-risk")).json()
    assert [(i["name"], i["health"]) for i in report["items"]] == [("Red", "red"), ("Amber", "amber")]
    assert (report["red"], report["amber"]) == (1, 1)
    assert [s["code"] for s in report["items"][1]["signals"]] == ["influential_opponent"]
    assert red["id"] == report["items"][0]["account_id"]


async def test_pipeline_by_stage_and_won_lost_in_the_window(client):
    account = await create_account(client)

    async def deal(stage, amount, **fields):
        body = {
            "account_id": account["id"],
            "name": stage,
            "type": "upsell",
            "amount": amount,
            "stage": stage,
            **fields,
        }
        response = await client.post("/v1/opportunities", json=body)
        assert response.status_code == 201, response.text

    await deal("proposal", "1000.00")
    await deal("proposal", "500.00", probability=20)
    await deal("negotiation", "200.00")
    await deal("closed_won", "300.00")
    await deal("closed_lost", "400.00", loss_reason="price")
    await deal("closed_lost", "100.00", loss_reason="price")
    await deal("closed_lost", "50.00", loss_reason="timing")
    report = (await client.get("/v1/reports/pipeline")).json()
    assert report["open_by_stage"] == [
        {"stage": "proposal", "count": 2, "amount": "1500.00", "weighted_amount": "700.00"},
        {"stage": "negotiation", "count": 1, "amount": "200.00", "weighted_amount": "160.00"},
    ]
    assert report["open_total"] == {"stage": "open", "count": 3, "amount": "1700.00", "weighted_amount": "860.00"}
    assert report["won"] == {"count": 1, "amount": "300.00"}
    assert report["lost"] == {"count": 3, "amount": "550.00"}
    assert report["loss_reasons"] == [
        {"reason": "price", "count": 2, "amount": "500.00"},
        {"reason": "timing", "count": 1, "amount": "50.00"},
    ]
    past = (date.today() - timedelta(days=400)).isoformat()
    old = (await client.get("/v1/reports/pipeline", params={"closed_from": past, "closed_to": past})).json()
    assert old["won"]["count"] == 0
    assert_problem(
        await client.get("/v1/reports/pipeline", params={"closed_from": "2026-02-01", "closed_to": "2026-01-01"}), 422
    )


async def test_reports_answer_alike_from_kept_views_and_computed_ones(client, users, connection):
    await judge_coverage_at_once(client)
    await create_account(client, name="Red", scores=KEY_SCORES)
    amber = await create_account(client, name="Amber", scores=SIXTY_SCORES)
    await make_healthy(client, amber["id"], users["kam"].id)
    await client.patch(f"/v1/accounts/{amber['id']}", json={"notes": "judged at this commit"})
    green = await create_account(client, name="Green", scores=KEY_SCORES)
    await make_healthy(client, green["id"], users["kam"].id)
    kept = await connection.scalar(text("SELECT count(*) FROM account_facts WHERE judged_until > now()"))
    assert kept == 3  # every commit judged its accounts and kept the views
    paths = ("/v1/reports/at-risk", "/v1/reports/reviews-due")
    from_kept = [(await client.get(path, params={"days": 366} if "reviews" in path else {})).json() for path in paths]
    await connection.execute(text("UPDATE account_facts SET judged_until = NULL"))
    computed = [(await client.get(path, params={"days": 366} if "reviews" in path else {})).json() for path in paths]
    assert from_kept == computed
    assert from_kept[0]["red"] + from_kept[0]["amber"] >= 1 and len(from_kept[1]["items"]) == 3


async def test_a_short_list_is_the_head_of_the_whole_ranking_over_kept_and_computed_views(client, users, connection):
    await judge_coverage_at_once(client)
    for name in ("R3", "R1", "R2"):  # the same signals each: ranked by name
        await create_account(client, name=name, scores=KEY_SCORES)
    for name in ("A2", "A1"):
        amber = await create_account(client, name=name, scores=SIXTY_SCORES)
        await make_healthy(client, amber["id"], users["kam"].id)
        opponent = {"first_name": "O", "last_name": name, "attitude": "opponent", "influence": "high"}
        await client.post("/v1/contacts", json={"account_id": amber["id"], **opponent})
    # Some views forgotten: computed in the report while the others are read as kept.
    await connection.execute(
        text(
            "UPDATE account_facts SET judged_until = NULL"
            " WHERE account_id IN (SELECT id FROM accounts WHERE name IN ('R1', 'A2'))"
        )
    )
    whole = (await client.get("/v1/reports/at-risk")).json()
    assert [(i["name"], i["health"]) for i in whole["items"]] == [
        ("R1", "red"),
        ("R2", "red"),
        ("R3", "red"),
        ("A1", "amber"),
        ("A2", "amber"),
    ]
    for path, params in (("/v1/reports/at-risk", {}), ("/v1/reports/reviews-due", {"days": 366})):
        whole = (await client.get(path, params=params)).json()
        assert len(whole["items"]) == 5
        for limit in range(1, 6):
            part = (await client.get(path, params={**params, "limit": limit})).json()
            assert part == {**whole, "items": whole["items"][:limit]}, (path, limit)
