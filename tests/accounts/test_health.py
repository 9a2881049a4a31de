"""Health and promotion candidates as clients read them, and lists filtered by them."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from app.accounts import service as account_service
from tests.factories import (
    KEY_SCORES,
    SIXTY_SCORES,
    SMALL_SCORES,
    assert_problem,
    create_account,
    judge_coverage_at_once,
    make_healthy,
)


def ago(days):
    return (datetime.now(UTC) - timedelta(days=days)).isoformat()


async def signals(client, account_id):
    health = (await client.get(f"/v1/accounts/{account_id}")).json()["health"]
    return health["status"], {s["code"]: s for s in health["signals"]}


async def test_each_signal_appears_with_its_figures(client, users):
    account = await create_account(client, scores=KEY_SCORES)
    await make_healthy(client, account["id"], users["kam"].id)
    account_id = account["id"]

    await client.post(
        "/v1/contacts",
        json={
            "account_id": account_id,
            "first_name": "Otto",
            "last_name": "Pposer",
            "attitude": "opponent",
            "influence": "high",
        },
    )
    gone = (
        await client.post(
            "/v1/contacts",
            json={
                "account_id": account_id,
                "first_name": "Eb",
                "last_name": "Left",
                "buying_roles": ["economic_buyer"],
            },
        )
    ).json()
    await client.patch(f"/v1/contacts/{gone['id']}", json={"status": "left"})
    await client.put(f"/v1/accounts/{account_id}/financials/2025", json={"revenue": "1000.00"})
    await client.put(f"/v1/accounts/{account_id}/financials/2026", json={"revenue": "700.00"})
    for day, value in ((1, 8), (2, 7), (3, 6)):
        await client.post(
            f"/v1/accounts/{account_id}/measurements",
            json={"kind": "engagement", "value": value, "measured_at": f"2026-03-0{day}"},
        )
    await client.post(
        f"/v1/accounts/{account_id}/measurements",
        json={"kind": "improvement", "value": 4.5, "measured_at": "2026-03-04"},
    )

    status, found = await signals(client, account_id)
    assert status == "red"
    assert set(found) == {
        "influential_opponent",
        "key_contact_left",
        "revenue_decline",
        "engagement_declining",
        "low_improvement_score",
    }
    assert found["revenue_decline"]["severity"] == "red"
    assert found["revenue_decline"]["figures"]["change_percent"] == -30.0
    # Each signal gives its own figures, the others are left out (not null).
    assert set(found["revenue_decline"]["figures"]) == {
        "period",
        "previous_period",
        "change_percent",
        "revenue",
        "previous_revenue",
    }
    assert found["engagement_declining"]["figures"]["values_oldest_first"] == [8.0, 7.0, 6.0]
    assert found["low_improvement_score"]["figures"]["score"] == 4.5
    # Red health makes the cadence two steps more frequent: monthly -> weekly.
    account = (await client.get(f"/v1/accounts/{account_id}")).json()
    assert (account["cadence"]["name"], account["cadence"]["adjustments"][0]["code"]) == ("weekly", "health_red")


async def test_no_recent_interaction_counts_days_at_the_moment_of_the_request(client, users, connection):
    account = await create_account(client, scores=SIXTY_SCORES)
    await make_healthy(client, account["id"], users["kam"].id)
    for days, expected in ((59, None), (61, "amber"), (121, "red")):
        await connection.execute(
            text("UPDATE interactions SET occurred_at = now() - make_interval(days => :d) WHERE account_id = :a"),
            {"d": days, "a": account["id"]},
        )
        # Changed behind the service's back: drop the stored facts so the next read gathers them again.
        await connection.execute(text("DELETE FROM account_facts WHERE account_id = :a"), {"a": account["id"]})
        _, found = await signals(client, account["id"])
        assert (found.get("no_recent_interaction") or {}).get("severity") == expected, days


async def test_promotion_candidates(client, users):
    growing = await create_account(client, name="Growing", scores=SIXTY_SCORES)
    await client.put(f"/v1/accounts/{growing['id']}/financials/2025", json={"revenue": "1000.00"})
    await client.put(f"/v1/accounts/{growing['id']}/financials/2026", json={"revenue": "1300.00"})
    almost = await create_account(client, name="Almost", scores=SMALL_SCORES)
    await client.put(f"/v1/accounts/{almost['id']}/financials/2025", json={"revenue": "1000.00"})
    await client.put(f"/v1/accounts/{almost['id']}/financials/2026", json={"revenue": "1299.00"})
    held_down = await create_account(client, name="Held down", scores=KEY_SCORES)
    await client.post(
        f"/v1/accounts/{held_down['id']}/tier-decisions", json={"decision": "set", "tier": "mid", "reason": "x"}
    )

    read = {
        name: (await client.get(f"/v1/accounts/{a['id']}")).json()
        for name, a in (("growing", growing), ("almost", almost), ("held", held_down))
    }
    assert read["growing"]["promotion_candidate"] is True
    assert "30.00%" in read["growing"]["promotion_reasons"][0]
    assert read["almost"]["promotion_candidate"] is False
    assert read["held"]["promotion_candidate"] is True
    assert "computed tier key is above its tier mid" in read["held"]["promotion_reasons"]
    listed = (await client.get("/v1/accounts", params={"promotion_candidate": "true"})).json()["items"]
    assert sorted(a["name"] for a in listed) == ["Growing", "Held down"]


async def test_lists_filter_by_health_and_signal_and_page_through_them(client, users):
    await judge_coverage_at_once(client)
    names = []
    for index in range(7):
        account = await create_account(client, name=f"Acct {index}", scores=SIXTY_SCORES)
        if index % 2 == 0:
            await make_healthy(client, account["id"], users["kam"].id)
        names.append(account["name"])
    green = (await client.get("/v1/accounts", params={"health": "green"})).json()["items"]
    assert [a["name"] for a in green] == ["Acct 0", "Acct 2", "Acct 4", "Acct 6"]
    seen, cursor = [], None
    while True:
        params = {"health": "amber", "limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await client.get("/v1/accounts", params=params)).json()
        seen += [a["name"] for a in page["items"]]
        if not (cursor := page["next_cursor"]):
            break
    assert seen == ["Acct 1", "Acct 3", "Acct 5"]
    no_champion = (await client.get("/v1/accounts", params={"signal": "no_champion"})).json()["items"]
    assert [a["name"] for a in no_champion] == ["Acct 1", "Acct 3", "Acct 5"]
    assert_problem(await client.get("/v1/accounts", params={"signal": "bad_vibes"}), 422)
    assert_problem(await client.get("/v1/accounts", params={"health": "blue"}), 422)


async def test_view_filters_answer_alike_from_kept_views_and_computed_ones_and_split_the_portfolio(
    client, users, connection, monkeypatch
):
    await judge_coverage_at_once(client)
    for index, scores in enumerate((KEY_SCORES, SIXTY_SCORES, SMALL_SCORES, SIXTY_SCORES)):
        account = await create_account(client, name=f"View {index}", scores=scores)
        if index % 2:
            await make_healthy(client, account["id"], users["kam"].id)
    everyone = sorted(a["name"] for a in (await client.get("/v1/accounts")).json()["items"])
    filters = [
        {"health": "red"},
        {"health": "amber"},
        {"health": "green"},
        {"signal": "no_champion"},
        {"promotion_candidate": "true"},
        {"promotion_candidate": "false"},
        {"review_overdue": "true"},
        {"review_overdue": "false"},
    ]

    async def listed():
        return [
            sorted(a["name"] for a in (await client.get("/v1/accounts", params=p)).json()["items"]) for p in filters
        ]

    kept = await listed()
    # Half the views forgotten (a lapsed view must pass a "false" filter as a kept one does), then all.
    forgotten = "SELECT id FROM accounts WHERE name IN ('View 0', 'View 3')"
    await connection.execute(text(f"UPDATE account_facts SET judged_until = NULL WHERE account_id IN ({forgotten})"))
    assert await listed() == kept
    await connection.execute(text("UPDATE account_facts SET judged_until = NULL"))
    assert await listed() == kept
    # More lapsed views than a filter names one by one: all judged in SQL, the same answer.
    monkeypatch.setattr(account_service, "LAPSED_NAMED", 1)
    assert await listed() == kept
    health, candidates, overdue = kept[0] + kept[1] + kept[2], kept[4] + kept[5], kept[6] + kept[7]
    assert sorted(health) == sorted(candidates) == sorted(overdue) == everyone
