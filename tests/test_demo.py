"""The demo portfolio: a pyramid, consistent with the rules, and usable through the API at once."""

import pytest
from sqlalchemy import func, select

from app.demo.seed import seed_demo
from app.models import Account, AccountFactsRow, Contact, Interaction
from app.rules.document import DEFAULT_RULES
from app.rules.score import compute_score
from app.rules.tiers import compute_tier


async def test_a_seeded_portfolio_is_a_pyramid_consistent_with_the_rules(session_factory, client):
    async with session_factory() as session:
        counts = await seed_demo(session, 300, DEFAULT_RULES, seed=3)
        await session.commit()
    assert counts["accounts"] == 300
    assert counts["contacts"] >= 900 and counts["interactions"] >= 900
    async with session_factory() as session:
        accounts = (await session.execute(select(Account))).scalars().all()
        for account in accounts[:50]:
            score = compute_score(account.scores, DEFAULT_RULES.criteria).score
            assert account.score == score
            assert account.tier == account.computed_tier == compute_tier(score, DEFAULT_RULES.tier_thresholds)
        assert await session.scalar(select(func.count()).select_from(AccountFactsRow)) == 300
        assert await session.scalar(select(func.count()).select_from(Contact)) == counts["contacts"]
        assert await session.scalar(select(func.count()).select_from(Interaction)) == counts["interactions"]

    pyramid = (await client.get("/v1/reports/pyramid")).json()
    levels = {level["tier"]: level for level in pyramid["levels"]}
    assert 0 < levels["key"]["accounts"] < levels["mid"]["accounts"] < levels["small"]["accounts"]
    assert levels["key"]["revenue_share"] > levels["key"]["account_share"]  # few accounts, much revenue
    concentration = (await client.get("/v1/reports/concentration")).json()
    assert concentration["top_20_percent_share"] > 0.5
    assert (await client.get("/v1/reports/at-risk")).status_code == 200
    assert (await client.get("/v1/accounts", params={"health": "red"})).status_code == 200


async def test_seeding_refuses_a_database_with_accounts(session_factory, client):
    await client.post("/v1/accounts", json={"name": "Already here"})
    async with session_factory() as session:
        with pytest.raises(ValueError, match="already holds"):
            await seed_demo(session, 10, DEFAULT_RULES)
