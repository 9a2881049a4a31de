from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.rules.document import DEFAULT_RULES
from app.rules.health import HealthFacts, RevenuePeriod, Signal, compute_health, health_status, revenue_change
from app.rules.promotion import promotion_candidacy

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def healthy(**changes):
    """Facts of an account with nothing wrong; each test spoils one thing."""
    values = dict(
        tier="mid",
        created_at=NOW - timedelta(days=400),
        last_interaction_at=NOW - timedelta(days=1),
        decision_maker_engaged_at=NOW - timedelta(days=1),
        has_champion_or_supporter=True,
        has_active_plan=True,
        recent_interactions=[NOW - timedelta(days=days) for days in (1, 20, 40, 60, 80, 90)],
    )
    if "revenue_periods" in changes:
        changes["revenue_change"] = revenue_change(changes.pop("revenue_periods"))
    return HealthFacts(**{**values, **changes})


def codes(facts):
    return {signal.code: signal.severity for signal in compute_health(facts, DEFAULT_RULES, NOW).signals}


def test_nothing_wrong_is_green():
    health = compute_health(healthy(), DEFAULT_RULES, NOW)
    assert (health.status, health.signals) == ("green", ())


@pytest.mark.parametrize(
    ("tier", "days", "expected"),
    [
        ("key", 29, None),
        ("key", 30, None),
        ("key", 31, "amber"),
        ("key", 60, "amber"),
        ("key", 61, "red"),
        ("mid", 60, None),
        ("mid", 61, "amber"),
        ("mid", 121, "red"),
        ("small", 120, None),
        ("small", 121, "amber"),
        ("small", 241, "red"),
        (None, 121, "amber"),
        (None, 241, "red"),
    ],
)
def test_no_recent_interaction_by_tier(tier, days, expected):
    facts = healthy(tier=tier, last_interaction_at=NOW - timedelta(days=days), has_active_plan=True)
    assert codes(facts).get("no_recent_interaction") == expected


def test_without_any_interaction_the_clock_runs_from_creation():
    facts = healthy(last_interaction_at=None, created_at=NOW - timedelta(days=61))
    signal = compute_health(facts, DEFAULT_RULES, NOW).signals[0]
    assert (signal.code, signal.severity, signal.figures["days_since_interaction"]) == (
        "no_recent_interaction",
        "amber",
        61,
    )
    assert (
        codes(healthy(last_interaction_at=None, created_at=NOW - timedelta(days=59))).get("no_recent_interaction")
        is None
    )


@pytest.mark.parametrize(("days", "expected"), [(89, None), (91, "amber")])
def test_no_decision_maker_engaged_in_90_days(days, expected):
    assert (
        codes(healthy(decision_maker_engaged_at=NOW - timedelta(days=days))).get("no_decision_maker_engaged")
        == expected
    )
    assert codes(healthy(decision_maker_engaged_at=None))["no_decision_maker_engaged"] == "amber"


def test_no_champion_and_influential_opponent():
    assert codes(healthy(has_champion_or_supporter=False)) == {"no_champion": "amber"}
    assert codes(healthy(has_influential_opponent=True)) == {"influential_opponent": "amber"}


@pytest.mark.parametrize(
    ("previous", "latest", "expected"),
    [
        ("1000", "901", None),  # 9.9 % down
        ("10000.00", "9005.00", None),  # 9.95 % down: not 10 %, though it rounds to 10.0
        ("1000", "900", "amber"),  # 10 % down
        ("1000", "751", "amber"),  # 24.9 % down
        ("10000.00", "7504.00", "amber"),  # 24.96 % down: not 25 %
        ("1000", "750", "red"),  # 25 % down
        ("1000", "1500", None),  # growth
    ],
)
def test_revenue_decline_against_the_previous_year(previous, latest, expected):
    periods = [RevenuePeriod(2025, None, Decimal(previous)), RevenuePeriod(2026, None, Decimal(latest))]
    assert codes(healthy(revenue_periods=periods)).get("revenue_decline") == expected


def test_revenue_decline_compares_quarters_with_the_quarter_before():
    periods = [
        RevenuePeriod(2025, None, Decimal(100)),  # a year ending before Q1 2026: not the latest
        RevenuePeriod(2025, 4, Decimal(1000)),
        RevenuePeriod(2026, 1, Decimal(800)),
    ]
    signal = next(s for s in compute_health(healthy(revenue_periods=periods), DEFAULT_RULES, NOW).signals)
    assert (signal.code, signal.figures["period"], signal.figures["previous_period"]) == (
        "revenue_decline",
        "2026-Q1",
        "2025-Q4",
    )
    assert signal.figures["change_percent"] == -20.0


def test_the_message_may_round_the_figure_but_the_rule_does_not():
    periods = [RevenuePeriod(2025, None, Decimal("10000.00")), RevenuePeriod(2026, None, Decimal("7504.00"))]
    [signal] = [s for s in compute_health(healthy(revenue_periods=periods), DEFAULT_RULES, NOW).signals]
    assert (signal.severity, signal.figures["change_percent"]) == ("amber", -24.96)
    assert "24.96% below" in signal.message


def test_no_previous_period_no_revenue_signal():
    assert "revenue_decline" not in codes(healthy(revenue_periods=[RevenuePeriod(2026, None, Decimal(1))]))
    gap = [RevenuePeriod(2024, None, Decimal(1000)), RevenuePeriod(2026, None, Decimal(1))]
    assert "revenue_decline" not in codes(healthy(revenue_periods=gap))


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["5", "6", "7"], "amber"),
        (["5", "5", "7"], None),
        (["7", "6", "5"], None),
        (["5", "6"], None),
        (["4", "5", "6", "9", "1"], "amber"),
    ],
)
def test_engagement_declining_needs_three_strict_falls(values, expected):
    facts = healthy(engagement_values=[Decimal(v) for v in values])  # newest first
    assert codes(facts).get("engagement_declining") == expected


@pytest.mark.parametrize(("score", "expected"), [("4.9", "amber"), ("5", None), ("8", None)])
def test_low_improvement_score_below_5(score, expected):
    assert codes(healthy(latest_improvement=Decimal(score))).get("low_improvement_score") == expected


@pytest.mark.parametrize(("days", "expected"), [(89, "amber"), (91, None)])
def test_key_contact_left_in_the_last_90_days(days, expected):
    assert codes(healthy(key_contact_left_at=NOW - timedelta(days=days))).get("key_contact_left") == expected


def test_a_key_account_needs_an_active_plan():
    assert codes(healthy(tier="key", has_active_plan=False)) == {"no_active_plan": "amber"}
    assert codes(healthy(tier="mid", has_active_plan=False)) == {}


def test_three_ambers_make_red_two_do_not():
    two = healthy(has_champion_or_supporter=False, has_influential_opponent=True)
    assert compute_health(two, DEFAULT_RULES, NOW).status == "amber"
    three = healthy(has_champion_or_supporter=False, has_influential_opponent=True, latest_improvement=Decimal(2))
    assert compute_health(three, DEFAULT_RULES, NOW).status == "red"


def test_one_red_makes_red():
    assert compute_health(healthy(last_interaction_at=NOW - timedelta(days=200)), DEFAULT_RULES, NOW).status == "red"


severities = st.lists(st.sampled_from(["amber", "red"]), max_size=9)


@given(severities, st.sampled_from(["amber", "red"]))
def test_another_signal_never_makes_health_better(found, extra):
    order = {"green": 0, "amber": 1, "red": 2}
    signals = [Signal("x", severity, "") for severity in found]
    more = [*signals, Signal("y", extra, "")]
    assert order[health_status(more, 3)] >= order[health_status(signals, 3)]


@pytest.mark.parametrize(
    ("previous", "latest", "candidate"),
    [
        ("10000.00", "12996.00", False),  # 29.96 % growth is not 30 %
        ("10000.00", "13000.00", True),  # 30 %
        ("0.00", "13000.00", False),  # no growth from nothing
    ],
)
def test_promotion_compares_the_exact_growth(previous, latest, candidate):
    candidacy = promotion_candidacy("mid", "mid", Decimal(latest), Decimal(previous), DEFAULT_RULES)
    assert candidacy.candidate is candidate


def late_follow_up(days: float):
    return healthy(open_follow_up_due_at=NOW - timedelta(days=days))


def test_a_follow_up_more_than_seven_days_late_is_amber():
    assert "follow_up_overdue" not in codes(late_follow_up(7.9))  # 7 days late: within the grace
    assert codes(late_follow_up(8))["follow_up_overdue"] == "amber"
    assert "follow_up_overdue" not in codes(healthy(open_follow_up_due_at=NOW + timedelta(days=3)))
    [signal] = compute_health(late_follow_up(12), DEFAULT_RULES, NOW).signals
    assert (signal.figures["days_late"], signal.figures["grace_days"]) == (12, 7)


def interactions(count: int, *, within: int = 91):
    """``count`` interactions spread inside the last ``within`` days, and older ones beyond."""
    recent = [NOW - timedelta(days=within * (index + 1) / (count + 1)) for index in range(count)]
    return recent + [NOW - timedelta(days=within + 10 + index) for index in range(10)]


@pytest.mark.parametrize(
    ("tier", "count", "shown"),
    [("key", 5, True), ("key", 6, False), ("mid", 2, True), ("mid", 3, False), ("small", 0, True), ("small", 1, False)],
)
def test_fewer_interactions_in_91_days_than_the_tier_policy_asks_is_amber(tier, count, shown):
    facts = healthy(tier=tier, has_active_plan=True, recent_interactions=interactions(count))
    assert ("below_visit_frequency" in codes(facts)) is shown


def test_an_interaction_92_days_ago_is_outside_the_window():
    times = [NOW - timedelta(days=days) for days in (1, 20, 40, 60, 80, 92)]
    [signal] = compute_health(healthy(tier="key", recent_interactions=times), DEFAULT_RULES, NOW).signals
    assert (signal.code, signal.figures["interactions"], signal.figures["minimum"]) == ("below_visit_frequency", 5, 6)
    assert codes(healthy(tier=None, recent_interactions=[])) == {}  # no tier, no policy


def new_key_account(days_old: float, **changes):
    """A key account with no champion, no decision maker engaged, no plan and no interactions."""
    values = dict(
        tier="key",
        created_at=NOW - timedelta(days=days_old),
        has_champion_or_supporter=False,
        decision_maker_engaged_at=None,
        has_active_plan=False,
        recent_interactions=[],
        last_interaction_at=NOW - timedelta(days=1),
    )
    return healthy(**{**values, **changes})


def test_a_new_account_is_not_judged_on_its_coverage_for_30_days():
    during = compute_health(new_key_account(29.9), DEFAULT_RULES, NOW)  # day 30
    assert (during.status, during.signals) == ("green", ())
    assert during.onboarding_until == NOW + timedelta(days=0.1)
    after = compute_health(new_key_account(30), DEFAULT_RULES, NOW)  # day 31
    assert after.status == "red" and after.onboarding_until is None
    assert {s.code for s in after.signals} == {
        "no_decision_maker_engaged",
        "no_champion",
        "no_active_plan",
        "below_visit_frequency",
    }


def test_onboarding_starts_again_with_a_promotion_and_spares_only_the_coverage_signals():
    promoted = new_key_account(
        400, grace_started_at=NOW - timedelta(days=2), open_follow_up_due_at=NOW - timedelta(days=20)
    )
    health = compute_health(promoted, DEFAULT_RULES, NOW)
    assert [s.code for s in health.signals] == ["follow_up_overdue"]
    assert health.onboarding_until == NOW + timedelta(days=28)


RED_DECLINE = [RevenuePeriod(2025, None, Decimal(1000)), RevenuePeriod(2026, None, Decimal(700))]  # 30 % down


def recovery_codes(rules=DEFAULT_RULES, **changes):
    facts = healthy(revenue_periods=RED_DECLINE, **changes)
    return {signal.code: signal.severity for signal in compute_health(facts, rules, NOW).signals}


def test_a_red_decline_without_a_recovery_plan_is_amber_once_its_grace_has_passed():
    grace = timedelta(days=DEFAULT_RULES.health.recovery_grace_days)
    assert "no_recovery_plan" not in recovery_codes(revenue_changed_at=NOW - grace + timedelta(seconds=1))
    assert recovery_codes(revenue_changed_at=NOW - grace)["no_recovery_plan"] == "amber"
    assert "no_recovery_plan" not in recovery_codes(revenue_changed_at=NOW - 2 * grace, has_active_recovery_plan=True)


def test_an_amber_decline_needs_no_recovery_plan():
    periods = [RevenuePeriod(2025, None, Decimal(1000)), RevenuePeriod(2026, None, Decimal(800))]  # 20 % down
    facts = healthy(revenue_periods=periods, revenue_changed_at=NOW - timedelta(days=100))
    assert "no_recovery_plan" not in codes(facts)


def test_the_recovery_grace_comes_from_the_rules():
    rules = DEFAULT_RULES.model_copy(
        update={"health": DEFAULT_RULES.health.model_copy(update={"recovery_grace_days": 0})}
    )
    assert recovery_codes(rules, revenue_changed_at=NOW)["no_recovery_plan"] == "amber"
