"""The programme's reports on a hand-made portfolio: every figure of the targets, the returns per
tier, the criteria's correlations and the commission, checked by hand."""

from datetime import UTC, date, datetime
from fractions import Fraction

from sqlalchemy import text

from app.plumbing.transactions import transaction
from app.programme import kept
from app.rules.programme import spearman
from tests.factories import KEY_SCORES, SIXTY_SCORES, SMALL_SCORES, assert_problem, create_account
from tests.opportunities.factories import create_opportunity

YEAR = date.today().year
LAST = YEAR - 1


async def put_year(client, account_id: str, period: str, revenue: str, cost: str | None = None) -> None:
    body = {"revenue": revenue, **({"cost_to_serve": cost} if cost else {})}
    answer = await client.put(f"/v1/accounts/{account_id}/financials/{period}", json=body)
    assert answer.status_code in (200, 201), answer.text


async def sql(session_factory, statement: str, **values) -> None:
    async with transaction(session_factory) as session:
        await session.execute(text(statement), values)


async def won(
    client, session_factory, account_id: str, amount: str, when: datetime | None = None, owner_id: str | None = None
) -> str:
    owner = {"owner_id": owner_id} if owner_id else {}
    deal = await create_opportunity(client, account_id, amount=amount, stage="negotiation", **owner)
    answer = await client.patch(f"/v1/opportunities/{deal['id']}", json={"stage": "closed_won"})
    assert answer.status_code == 200, answer.text
    if when is not None:
        await sql(
            session_factory, "UPDATE opportunities SET closed_at = :when WHERE id = :id", when=when, id=deal["id"]
        )
    return deal["id"]


async def portfolio(client, session_factory, users):
    """Two key accounts, one mid, one small; every tier decided in January last year."""
    k1 = await create_account(client, name="K1", scores=KEY_SCORES, owner_id=str(users["kam"].id))
    k2 = await create_account(client, name="K2", scores=KEY_SCORES)
    m1 = await create_account(client, name="M1", scores=SIXTY_SCORES)
    s1 = await create_account(client, name="S1", scores=SMALL_SCORES)
    await sql(session_factory, "UPDATE tier_changes SET created_at = :when", when=datetime(LAST, 1, 15, tzinfo=UTC))
    await put_year(client, k1["id"], str(YEAR), "1000.00", "600.00")
    await put_year(client, k2["id"], f"{YEAR}-Q1", "200.00")
    await put_year(client, k2["id"], f"{YEAR}-Q2", "400.00")
    await put_year(client, m1["id"], str(YEAR), "400.00", "100.00")
    await put_year(client, k1["id"], str(LAST), "800.00", "500.00")
    await put_year(client, k2["id"], str(LAST), "500.00")
    await put_year(client, m1["id"], str(LAST), "700.00", "300.00")
    await put_year(client, s1["id"], str(LAST), "100.00")
    kam = str(users["kam"].id)
    await won(client, session_factory, k1["id"], "300.00", owner_id=kam)
    await won(client, session_factory, k1["id"], "200.00", owner_id=kam)
    await won(client, session_factory, k2["id"], "900.00", datetime(LAST, 6, 1, tzinfo=UTC))
    # Open: 60 % of 1,000 expected this year; the mid account's deal closes next year, outside.
    await create_opportunity(client, k2["id"], amount="1000.00", stage="proposal", expected_close_date=f"{YEAR}-12-30")
    await create_opportunity(
        client, m1["id"], amount="500.00", stage="proposal", expected_close_date=f"{YEAR + 1}-01-05"
    )
    return k1, k2, m1, s1


async def test_targets_against_actuals_projected_and_decomposed(client, session_factory, users):
    await portfolio(client, session_factory, users)
    body = {
        "key_accounts": 3,
        "key_revenue_share_percent": 75,
        "key_revenue_growth_percent": 50,
        "owners": [{"owner_id": str(users["kam"].id), "revenue": "1500.00"}],
    }
    assert (await client.put(f"/v1/targets/{YEAR}", json=body)).status_code == 201
    report = (await client.get("/v1/reports/targets")).json()
    assert report["year"] == YEAR
    assert report["key_accounts"] == {"actual": 2, "target": 3, "gap": -1}
    # Key revenue 1,600 of 2,000 (K2's two quarters make its year so far); 600 weighted pipeline.
    assert report["key_revenue_share"] == {
        "actual_percent": 80.0,
        "projected_percent": 84.62,  # 2,200 of 2,600
        "target_percent": 75.0,
        "gap_points": 9.62,
    }
    assert report["key_revenue_growth"] == {
        "actual_percent": 23.08,  # 1,600 over 1,300
        "projected_percent": 69.23,  # 2,200 over 1,300
        "target_percent": 50.0,
        "gap_points": 19.23,
    }
    assert report["key_revenue"] == {"actual": "1600.00", "projected": "2200.00", "previous_year": "1300.00"}
    assert report["total_revenue"] == {"actual": "2000.00", "projected": "2600.00", "previous_year": "2100.00"}
    decomposition = report["decomposition"]
    assert decomposition["this_year"] == {
        "year": YEAR,
        "key_accounts": 2,
        "key_revenue": "1600.00",
        "revenue_per_account": "800.00",
        "deals_won": 2,
        "deals_won_per_account": 1.0,
    }
    assert (decomposition["previous_year"]["revenue_per_account"], decomposition["previous_year"]["deals_won"]) == (
        "650.00",
        1,
    )
    assert decomposition["change"] == {
        "key_accounts_percent": 0.0,
        "revenue_per_account_percent": 23.08,
        "deals_won_per_account_percent": 100.0,
    }
    kam = next(owner for owner in report["owners"] if owner["owner_id"] == str(users["kam"].id))
    assert kam == {
        "owner_id": str(users["kam"].id),
        "owner_name": kam["owner_name"],
        "revenue": "1000.00",
        "projected": "1000.00",
        "target": "1500.00",
        "gap": "-500.00",
        "achievement_percent": 66.67,
    }
    markdown = (await client.get("/v1/reports/targets", headers={"Accept": "text/markdown"})).text
    assert "| Key accounts' share of revenue | 80.0% | 84.6% | 75.0% | 9.62 pts |" in markdown


async def test_what_each_tier_returns_this_year_and_the_year_before(client, session_factory, users):
    _, _, m1, _ = await portfolio(client, session_factory, users)
    held = {"account_id": m1["id"], "type": "call", "occurred_at": f"{YEAR}-02-01T10:00:00Z"}
    assert (await client.post("/v1/interactions", json=held)).status_code == 201
    report = (await client.get("/v1/reports/programme", params={"year": YEAR})).json()
    tiers = {line["tier"]: line for line in report["this_year"]["tiers"]}
    assert tiers["key"] == {
        "tier": "key",
        "accounts": 2,
        "revenue": "1600.00",
        "cost_to_serve": "600.00",
        "margin": "400.00",  # K1 alone states a cost: 1,000 less 600
        "margin_percent": 40.0,
        "revenue_growth_percent": 23.08,
        "retention_percent": 100.0,
        "interactions_per_account": 0.0,
    }
    assert (tiers["mid"]["revenue_growth_percent"], tiers["mid"]["interactions_per_account"]) == (-42.86, 1.0)
    assert tiers["small"]["retention_percent"] == 0.0  # bought last year, not this year
    rest = report["this_year"]["key_against_rest"][1]
    assert (rest["tier"], rest["accounts"], rest["revenue"], rest["revenue_growth_percent"]) == (
        "rest",
        2,
        "400.00",
        -50.0,
    )
    markdown = (
        await client.get("/v1/reports/programme", params={"year": YEAR}, headers={"Accept": "text/markdown"})
    ).text
    assert "| Key | 2 | $1,600 | $600 | $400 | 40.0% | 23.1% | 100.0% | 0.0 |" in markdown
    assert "| Every other account | 2 | $400 |" in markdown
    before = {line["tier"]: line for line in report["previous_year"]["tiers"]}
    assert (report["previous_year"]["year"], before["key"]["revenue"], before["key"]["margin"]) == (
        LAST,
        "1300.00",
        "300.00",
    )


async def test_commission_at_the_tier_when_won_stepped_by_achievement(client, session_factory, users):
    k1, _, _, _ = await portfolio(client, session_factory, users)
    # K1 was mid until 1 March this year: a deal it won in February earns the mid rate (3 %).
    await sql(
        session_factory,
        "INSERT INTO tier_changes (id, account_id, kind, from_tier, to_tier, computed_tier, created_at)"
        " VALUES (gen_random_uuid(), :account, 'set', 'mid', 'mid', 'key', :start),"
        " (gen_random_uuid(), :account, 'set', 'mid', 'key', 'key', :back)",
        account=k1["id"],
        start=datetime(LAST, 2, 1, tzinfo=UTC),
        back=datetime(YEAR, 3, 1, tzinfo=UTC),
    )
    await won(client, session_factory, k1["id"], "1000.00", datetime(YEAR, 2, 10, tzinfo=UTC), str(users["kam"].id))
    await client.put(f"/v1/targets/{YEAR}", json={"owners": [{"owner_id": str(users["kam"].id), "revenue": "1250.00"}]})
    report = (await client.get("/v1/reports/commission")).json()
    kam = next(owner for owner in report["owners"] if owner["owner_id"] == str(users["kam"].id))
    assert [(t["tier"], t["rate_percent"], t["deals"], t["amount"], t["commission"]) for t in kam["by_tier"]] == [
        ("key", 4.0, 2, "500.00", "20.00"),
        ("mid", 3.0, 1, "1000.00", "30.00"),
    ]
    # 1,000 of a 1,250 target is exactly 80 %: the x1.0 step.
    assert (kam["base_commission"], kam["achievement_percent"], kam["multiplier"], kam["commission"]) == (
        "50.00",
        80.0,
        1.0,
        "50.00",
    )


async def test_each_commission_step_at_its_edge(client, session_factory, users):
    await portfolio(client, session_factory, users)  # the kam's K1 brought 1,000 this year
    for target, multiplier in (("1250.01", 0.8), ("1000.00", 1.0), ("999.99", 1.2)):
        owners = [{"owner_id": str(users["kam"].id), "revenue": target}]
        current = await client.get(f"/v1/targets/{YEAR}")
        headers = {"If-Match": current.headers["etag"]} if current.status_code == 200 else {}
        assert (await client.put(f"/v1/targets/{YEAR}", json={"owners": owners}, headers=headers)).status_code in (
            200,
            201,
        )
        kam = next(
            owner
            for owner in (await client.get("/v1/reports/commission")).json()["owners"]
            if owner["owner_id"] == str(users["kam"].id)
        )
        assert kam["multiplier"] == multiplier, target


async def test_a_kam_sees_its_own_commission_and_a_viewer_none(client, client_for, session_factory, users):
    await portfolio(client, session_factory, users)
    mine = (await client_for(users["kam"]).get("/v1/reports/commission")).json()
    assert [owner["owner_id"] for owner in mine["owners"]] == [str(users["kam"].id)]
    assert_problem(await client_for(users["viewer"]).get("/v1/reports/commission"), 403)
    csv = await client.get("/v1/reports/commission", headers={"Accept": "text/csv"})
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv") and "commission" in csv.text
    markdown = (await client.get("/v1/reports/commission", headers={"Accept": "text/markdown"})).text
    assert (
        markdown.startswith("# Commission, ")
        and "| Owner | Deals | Won | Base | Achieved | Step | Commission |" in markdown
    )
    assert_problem(
        await client.get("/v1/reports/commission", params={"from": f"{YEAR}-05-01", "to": f"{YEAR}-04-01"}), 422
    )


async def criteria_portfolio(client, accounts: int) -> None:
    """Growth and margin rise with revenue potential; the other criteria are the same for all."""
    for i in range(accounts):
        scores = {**dict.fromkeys(KEY_SCORES, 5), "revenue_potential": 1 + i // 3}
        made = await create_account(client, name=f"A{i:02}", scores=scores)
        await put_year(client, made["id"], str(LAST - 1), "1000.00")
        await put_year(client, made["id"], str(LAST), f"{1000 + 10 * i}.00", "500.00")


async def test_do_the_criteria_choose_well(client):
    await criteria_portfolio(client, 30)
    report = (await client.get("/v1/reports/criteria")).json()
    assert report["year"] == LAST
    checks = {line["key"]: line for line in report["criteria"]}
    potential = [1 + i // 3 for i in range(30)]
    growth = [Fraction(1000 + 10 * i, 1000) for i in range(30)]
    expected = round(spearman(potential, growth).value, 3)
    assert checks["revenue_potential"]["growth"] == {
        "accounts": 30,
        "correlation": expected,
        "verdict": "predicts",
        "reading": "predicts growth",
    }
    assert checks["revenue_potential"]["margin"]["verdict"] == "predicts"
    assert checks["influence"]["growth"] == {
        "accounts": 30,
        "correlation": None,
        "verdict": "no_relation",
        "reading": "no relation",
    }
    assert checks["score"]["label"] == "Total score" and checks["score"]["growth"]["verdict"] == "predicts"
    markdown = (await client.get("/v1/reports/criteria", headers={"Accept": "text/markdown"})).text
    assert f"{expected:.3f} (predicts growth, 30 accounts)" in markdown


async def test_twenty_nine_accounts_are_too_few_to_judge_a_criterion(client):
    await criteria_portfolio(client, 29)
    checks = {line["key"]: line for line in (await client.get("/v1/reports/criteria")).json()["criteria"]}
    assert checks["revenue_potential"]["growth"]["verdict"] == "too_few_accounts"
    assert checks["revenue_potential"]["growth"]["reading"] == "too few accounts"


async def test_a_large_portfolio_s_figures_are_read_as_the_clock_kept_them(
    client, client_for, session_factory, users, monkeypatch
):
    k1, _, _, _ = await portfolio(client, session_factory, users)
    live = (await client.get("/v1/reports/targets")).json()
    monkeypatch.setattr(kept, "LIVE_UP_TO_ACCOUNTS", 0)
    async with transaction(session_factory) as session:
        assert await kept.refresh(session, date.today(), list(KEY_SCORES)) == 7
    assert (await client.get("/v1/reports/targets")).json() == live
    await put_year(client, k1["id"], str(YEAR), "2000.00", "600.00")
    assert (await client.get("/v1/reports/targets")).json()["key_revenue"]["actual"] == "1600.00"  # as kept
    # A KAM sees only some accounts: computed for them on each read.
    mine = (await client_for(users["kam"]).get("/v1/reports/targets")).json()
    assert mine["key_revenue"]["actual"] == "2000.00"
    async with transaction(session_factory) as session:
        await kept.refresh(session, date.today(), list(KEY_SCORES))
    assert (await client.get("/v1/reports/targets")).json()["key_revenue"]["actual"] == "2600.00"


async def test_a_large_portfolio_s_commission_adds_today_s_deals_to_the_days_kept(
    client, session_factory, users, monkeypatch
):
    k1, _, _, _ = await portfolio(client, session_factory, users)
    kam = str(users["kam"].id)
    await won(client, session_factory, k1["id"], "100.00", datetime(YEAR, 3, 2, tzinfo=UTC), kam)
    live = (await client.get("/v1/reports/commission")).json()
    monkeypatch.setattr(kept, "LIVE_UP_TO_ACCOUNTS", 0)
    async with transaction(session_factory) as session:
        await kept.refresh(session, date.today(), list(KEY_SCORES))
    # Deals won before today from the days kept, today's computed: the same figures.
    assert (await client.get("/v1/reports/commission")).json() == live
    await won(client, session_factory, k1["id"], "1000.00", owner_id=kam)  # won today
    mine = next(o for o in (await client.get("/v1/reports/commission")).json()["owners"] if o["owner_id"] == kam)
    assert (mine["deals"], mine["won_amount"]) == (4, "1600.00")
    march = (await client.get("/v1/reports/commission", params={"from": f"{YEAR}-03-01", "to": f"{YEAR}-03-31"})).json()
    assert [(o["deals"], o["won_amount"]) for o in march["owners"]] == [(1, "100.00")]
