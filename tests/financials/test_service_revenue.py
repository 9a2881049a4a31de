"""The service part of revenue: taken per period (never above its revenue), shown as a share on the
period, on the account (its latest year), per tier in the pyramid and as a trend in the operating
report."""

from tests.factories import KEY_SCORES, SMALL_SCORES, assert_problem, create_account


async def put_year(client, account_id, year, **figures):
    response = await client.put(f"/v1/accounts/{account_id}/financials/{year}", json=figures)
    assert response.status_code in (200, 201), response.text
    return response.json()


async def test_a_period_takes_its_service_revenue_and_shows_its_share(client):
    account = await create_account(client)
    period = await put_year(client, account["id"], 2026, revenue="800.00", service_revenue="200.00")
    assert (period["service_revenue"], period["service_share"]) == ("200.00", 0.25)
    without = await put_year(client, account["id"], 2025, revenue="500.00")
    assert (without["service_revenue"], without["service_share"]) == (None, None)
    nothing_sold = await put_year(client, account["id"], 2024, revenue="0.00", service_revenue="0.00")
    assert nothing_sold["service_share"] is None


async def test_service_revenue_above_revenue_or_negative_is_refused_and_nothing_changes(client):
    account = await create_account(client)
    await put_year(client, account["id"], 2026, revenue="800.00", service_revenue="200.00")
    for figures in ({"revenue": "100.00", "service_revenue": "100.01"}, {"revenue": "100.00", "service_revenue": "-1"}):
        refused = await client.put(f"/v1/accounts/{account['id']}/financials/2026", json=figures)
        assert_problem(refused, 422, error_locs=[["body", "service_revenue"]])
    kept = (await client.get(f"/v1/accounts/{account['id']}/financials")).json()["items"]
    assert [(p["revenue"], p["service_revenue"]) for p in kept] == [("800.00", "200.00")]
    equal = await put_year(client, account["id"], 2026, revenue="100.00", service_revenue="100.00")
    assert equal["service_share"] == 1.0


async def test_the_account_reads_the_service_share_of_its_latest_year(client):
    account = await create_account(client)
    assert (await client.get(f"/v1/accounts/{account['id']}")).json()["service_revenue_share"] is None
    await put_year(client, account["id"], 2025, revenue="1000.00", service_revenue="100.00")
    await put_year(client, account["id"], 2026, revenue="600.00", service_revenue="150.00")
    read = (await client.get(f"/v1/accounts/{account['id']}")).json()
    assert read["service_revenue_share"] == 0.25
    listed = (await client.get("/v1/accounts")).json()["items"]
    assert [item["service_revenue_share"] for item in listed] == [0.25]


async def test_the_pyramid_gives_the_service_share_per_tier_of_the_accounts_that_state_it(client):
    first = await create_account(client, name="Key one", scores=KEY_SCORES)
    second = await create_account(client, name="Key two", scores=KEY_SCORES)
    silent = await create_account(client, name="Key silent", scores=KEY_SCORES)
    small = await create_account(client, name="Small", scores=SMALL_SCORES)
    await put_year(client, first["id"], 2026, revenue="300.00", service_revenue="30.00")
    await put_year(client, second["id"], 2026, revenue="100.00", service_revenue="50.00")
    await put_year(client, silent["id"], 2026, revenue="600.00")  # no service figure: not in the share
    await put_year(client, small["id"], 2026, revenue="50.00")
    report = (await client.get("/v1/reports/pyramid")).json()
    levels = {level["tier"]: level for level in report["levels"]}
    assert (levels["key"]["service_revenue"], levels["key"]["service_share"]) == ("80.00", 0.2)
    assert (levels["small"]["service_revenue"], levels["small"]["service_share"]) == ("0.00", 0.0)
    assert (report["total_service_revenue"], report["service_share"]) == ("80.00", 0.2)


async def test_the_operating_report_shows_the_service_share_trend(client):
    account = await create_account(client, name="Trend")
    await put_year(client, account["id"], 2024, revenue="100.00", service_revenue="10.00")
    await put_year(client, account["id"], 2025, revenue="100.00")
    await put_year(client, account["id"], 2026, revenue="200.00", service_revenue="50.00")
    report = (await client.get(f"/v1/accounts/{account['id']}/report")).json()
    trend = [(p["period"], p["service_share"]) for p in report["overall"]["revenue_trend"]]
    assert trend == [("2024", 0.1), ("2025", None), ("2026", 0.25)]
    markdown = (await client.get(f"/v1/accounts/{account['id']}/report", headers={"Accept": "text/markdown"})).text
    assert "- Service share of revenue: 2024 10.0%; 2026 25.0%" in markdown
