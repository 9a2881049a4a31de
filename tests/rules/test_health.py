from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.rules.document import DEFAULT_RULES
from app.rules.health import HealthFacts, RevenuePeriod, Signal, compute_health, health_status, revenue_change

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
        ("1000", "900", "amber"),  # 10 % down
        ("1000", "751", "amber"),  # 24.9 % down
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
