"""The SQL statement of the rules (app/account_facts/judgement.py) agrees with the pure rules, account by
account, on generated portfolios: health, every signal, cadence, next review, overdue, promotion,
pending demotion review."""

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, select

from app.account_facts.judgement import Judgement
from app.accounts.service import AccountService
from app.auth.principal import Principal
from app.glossary import CADENCES
from app.models import Account, AccountFactsRow
from app.rules.document import DEFAULT_RULES, RulesConfig

NOW = datetime.now(UTC).replace(microsecond=0)
tiers = st.sampled_from([None, "key", "mid", "small"])
days_ago = st.integers(min_value=0, max_value=400)
maybe_days_ago = st.one_of(st.none(), days_ago)
money = st.one_of(st.none(), st.decimals(min_value=0, max_value=3_000_000, places=2))
# Two periods' revenue (latest, previous): any, and the default thresholds' edges to the cent
# (falls of 9.95 % and 10 %, 24.96 % and 25 %; growths of 29.96 % and 30 %).
EDGES = [Decimal(latest) for latest in ("9005.00", "9000.00", "7504.00", "7500.00", "12996.00", "13000.00")]
revenues = st.one_of(
    st.none(),
    st.tuples(st.decimals(0, 20_000, places=2), st.decimals("0.01", 20_000, places=2)),
    st.tuples(st.sampled_from(EDGES), st.just(Decimal("10000.00"))),
)
scores = st.decimals(min_value=0, max_value=10, places=1)

states = st.fixed_dictionaries(
    {
        "tier": tiers,
        "computed_tier": tiers,
        "held_at_computed": tiers,
        "created": st.integers(min_value=0, max_value=800),
        "tier_assigned": maybe_days_ago,
        "grace_started": maybe_days_ago,
        "team_size": st.integers(min_value=0, max_value=7),
        "last_interaction": maybe_days_ago,
        "last_review": maybe_days_ago,
        "decision_maker_engaged": maybe_days_ago,
        "has_champion_or_supporter": st.booleans(),
        "has_influential_opponent": st.booleans(),
        "key_contact_left": maybe_days_ago,
        "annual_revenue": st.one_of(st.tuples(money, money), revenues.filter(lambda pair: pair is not None)),
        "revenue_change": revenues,
        "revenue_changed": maybe_days_ago,
        "has_active_recovery_plan": st.booleans(),
        "engagement_values": st.lists(scores, max_size=5),
        "latest_improvement": st.one_of(st.none(), scores),
        "has_active_plan": st.booleans(),
        # Days from now (negative: still to come) of the oldest open follow-up.
        "open_follow_up_due": st.one_of(st.none(), st.integers(min_value=-30, max_value=60)),
        "recent_interactions": st.lists(days_ago, max_size=12).map(sorted),
    }
)


@st.composite
def rules_documents(draw):
    """Rules in force other than the defaults: every number the SQL statement reads, drawn."""
    document = DEFAULT_RULES.model_dump(mode="json")
    health = document["health"]
    for tier in ("key", "mid", "small", "none"):
        amber = draw(st.integers(min_value=1, max_value=200))
        health["no_recent_interaction"][tier] = {"amber": amber, "red": draw(st.integers(amber + 1, 400))}
    health["decision_maker_window_days"] = draw(st.integers(min_value=1, max_value=365))
    health["key_contact_left_window_days"] = draw(st.integers(min_value=1, max_value=365))
    amber_percent = draw(st.integers(min_value=1, max_value=59))
    health["revenue_decline_amber_percent"] = amber_percent
    health["revenue_decline_red_percent"] = draw(st.integers(min_value=amber_percent + 1, max_value=60))
    health["engagement_declining_count"] = draw(st.integers(min_value=2, max_value=5))
    health["low_improvement_below"] = draw(st.integers(min_value=1, max_value=10))
    health["red_when_ambers"] = draw(st.integers(min_value=1, max_value=5))
    days = sorted(draw(st.lists(st.integers(1, 400), min_size=5, max_size=5, unique=True)), reverse=True)
    document["cadence_days"] = dict(
        zip(("semiannual", "quarterly", "monthly", "biweekly", "weekly"), days, strict=True)
    )
    cadences = st.sampled_from(CADENCES)
    document["base_cadence"] = {tier: draw(cadences) for tier in ("key", "mid", "small", "none")}
    document["cadence_adjustments"] = {
        "large_team_size": draw(st.integers(min_value=1, max_value=8)),
        "high_value_revenue": str(draw(st.integers(min_value=1, max_value=3_000_000))),
    }
    document["promotion"]["revenue_growth_percent"] = draw(st.integers(min_value=1, max_value=100))
    health["follow_up_grace_days"] = draw(st.integers(min_value=0, max_value=30))
    health["onboarding_days"] = draw(st.integers(min_value=0, max_value=400))
    health["visit_frequency_window_days"] = draw(st.integers(min_value=1, max_value=200))
    health["recovery_grace_days"] = draw(st.integers(min_value=0, max_value=60))
    for tier in ("key", "mid", "small"):
        document["tier_policies"][tier]["min_interactions_per_quarter"] = draw(st.integers(min_value=0, max_value=8))
    return RulesConfig.model_validate(document)


def ago(days):
    return None if days is None else NOW - timedelta(days=days, hours=1)


async def insert_portfolio(session, portfolio):
    ids = []
    for index, state in enumerate(portfolio):
        account_id = uuid.uuid4()
        ids.append(account_id)
        await session.execute(
            insert(Account).values(
                id=account_id,
                name=f"Generated {index}",
                status="active",
                version=1,
                scores={},
                tier=state["tier"],
                computed_tier=state["computed_tier"],
                tier_held_at_computed=state["held_at_computed"],
                created_at=ago(state["created"]),
                updated_at=NOW,
                tier_assigned_at=ago(state["tier_assigned"]),
                grace_started_at=ago(state["grace_started"]),
            )
        )
        change = state["revenue_change"]
        await session.execute(
            insert(AccountFactsRow).values(
                account_id=account_id,
                team_size=state["team_size"],
                last_interaction_at=ago(state["last_interaction"]),
                last_review_at=ago(state["last_review"]),
                decision_maker_engaged_at=ago(state["decision_maker_engaged"]),
                has_champion_or_supporter=state["has_champion_or_supporter"],
                has_influential_opponent=state["has_influential_opponent"],
                key_contact_left_at=ago(state["key_contact_left"]),
                latest_annual_revenue=state["annual_revenue"][0],
                previous_annual_revenue=state["annual_revenue"][1],
                revenue_period="2026" if change is not None else None,
                previous_revenue_period="2025" if change is not None else None,
                revenue=change[0] if change is not None else None,
                previous_revenue=change[1] if change is not None else None,
                revenue_changed_at=ago(state["revenue_changed"]) if change is not None else None,
                has_active_recovery_plan=state["has_active_recovery_plan"],
                engagement_values=state["engagement_values"],
                latest_improvement=state["latest_improvement"],
                has_active_plan=state["has_active_plan"],
                open_follow_up_due_at=ago(state["open_follow_up_due"]),
                recent_interactions=[ago(days) for days in state["recent_interactions"]],
            )
        )
    return ids


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(portfolio=st.lists(states, min_size=1, max_size=12), rules=st.one_of(st.just(DEFAULT_RULES), rules_documents()))
async def test_sql_and_python_agree_account_by_account(session_factory, portfolio, rules):
    async with session_factory() as session:
        ids = await insert_portfolio(session, portfolio)
        service = AccountService(session, rules, NOW, Principal(uuid.uuid4(), "admin"))
        views = {view.account.id: view for view in await service.views(await service.repository.get_many(ids))}
        judgement = Judgement(rules, NOW)
        statement = (
            select(
                Account.id,
                judgement.health,
                judgement.cadence_days(),
                judgement.next_review_due(),
                judgement.review_overdue(),
                judgement.promotion_candidate,
                judgement.pending_demotion_review,
                *(judgement.signal(code) for code in judgement.signals),
            )
            .join(AccountFactsRow, AccountFactsRow.account_id == Account.id)
            .where(Account.id.in_(ids))
        )
        for account_id, health, days, due, overdue, candidate, pending, *shown in await session.execute(statement):
            view = views[account_id]
            assert health == view.health.status
            assert {code for code, flag in zip(judgement.signals, shown, strict=True) if flag} == {
                signal.code for signal in view.health.signals
            }
            assert (days, due, overdue) == (view.cadence.days, view.next_review_due, view.review_overdue)
            assert candidate == view.promotion.candidate
            assert pending == view.tier_pending_review
        await session.execute(delete(Account).where(Account.id.in_(ids)))
        await session.rollback()
