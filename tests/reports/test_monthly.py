"""The monthly pack: every section a manager takes into the monthly key account analysis, in JSON and
as one Markdown document."""

from datetime import date, timedelta

from tests.factories import KEY_SCORES, SIXTY_SCORES, SMALL_SCORES, assert_problem, create_account


async def test_the_pack_holds_every_section(client, users):
    key = await create_account(client, name="Key", scores=KEY_SCORES, owner_id=str(users["kam"].id))
    await create_account(client, name="Small", scores=SMALL_SCORES)
    # Higher scores later: mid, computed key, a promotion; then lower: key held for review.
    grown = await create_account(client, name="Grown", scores=SIXTY_SCORES)
    await client.put(f"/v1/accounts/{grown['id']}/financials/2025", json={"revenue": "100.00"})
    await client.put(f"/v1/accounts/{grown['id']}/financials/2026", json={"revenue": "200.00"})
    await client.patch(f"/v1/accounts/{key['id']}", json={"scores": SIXTY_SCORES})
    # By default the last complete month, from its first day to its last.
    last_month_end = date.today().replace(day=1) - timedelta(days=1)
    pack = (await client.get("/v1/reports/monthly")).json()
    assert (pack["month"], pack["period_from"], pack["period_to"]) == (
        last_month_end.strftime("%Y-%m"),
        last_month_end.replace(day=1).isoformat(),
        last_month_end.isoformat(),
    )
    today = date.today()
    running = (await client.get("/v1/reports/monthly", params={"month": today.strftime("%Y-%m")})).json()
    assert (running["period_from"], running["period_to"]) == (today.replace(day=1).isoformat(), today.isoformat())
    assert set(pack) >= {"pyramid", "concentration", "at_risk", "reviews_due", "team", "pipeline"}
    assert pack["pyramid"]["total_accounts"] == 3
    assert [(i["name"], i["reasons"] != []) for i in pack["promotion_candidates"]["items"]] == [("Grown", True)]
    assert pack["pending_demotions"] == {
        "count": 1,
        "items": [
            {
                "account_id": key["id"],
                "name": "Key",
                "owner_id": str(users["kam"].id),
                "tier": "key",
                "computed_tier": "mid",
                "score": 60.0,
                "reasons": [],
            }
        ],
    }
    assert pack["team"]["period_from"] == pack["period_from"]
    assert pack["pipeline"]["closed_from"] == pack["period_from"]


async def test_the_pack_as_one_markdown_document(client, users):
    await create_account(client, name="Key", scores=KEY_SCORES, owner_id=str(users["kam"].id))
    response = await client.get("/v1/reports/monthly", headers={"Accept": "text/markdown"})
    assert response.headers["content-type"].startswith("text/markdown")
    headings = [line for line in response.text.splitlines() if line.startswith("#")]
    assert [heading.split(":")[0].split(",")[0] for heading in headings] == [
        "# Key account analysis",
        "## The pyramid",
        "## Concentration",
        "## Accounts at risk",
        "## Reviews",
        "## Promotion candidates",
        "## Pending demotion reviews",
        "## Team scorecard",
        "## Pipeline",
        "## Whitespace",
        "## Targets",
    ]


async def test_a_past_month_and_a_month_to_come(client):
    past = (await client.get("/v1/reports/monthly", params={"month": "2026-02"})).json()
    assert (past["period_from"], past["period_to"]) == ("2026-02-01", "2026-02-28")
    assert_problem(await client.get("/v1/reports/monthly", params={"month": "2199-01"}), 422)
    assert_problem(await client.get("/v1/reports/monthly", params={"month": "2026-13"}), 422)
