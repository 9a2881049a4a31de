from datetime import date
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from app.rules.cadence import compute_cadence, next_review_due, review_overdue
from app.rules.document import CADENCES, DEFAULT_RULES

RULES = DEFAULT_RULES


@pytest.mark.parametrize(
    ("tier", "cadence", "days"),
    [("key", "monthly", 30), ("mid", "quarterly", 90), ("small", "semiannual", 180), (None, "quarterly", 90)],
)
def test_base_cadence_by_tier(tier, cadence, days):
    result = compute_cadence(tier, RULES)
    assert (result.name, result.days, result.adjustments) == (cadence, days, ())


def test_amber_health_is_one_step_and_red_two():
    assert compute_cadence("mid", RULES, health="amber").name == "monthly"
    red = compute_cadence("mid", RULES, health="red")
    assert red.name == "biweekly"
    assert [(a.code, a.steps) for a in red.adjustments] == [("health_red", 2)]


def test_green_health_changes_nothing():
    assert compute_cadence("mid", RULES, health="green").adjustments == ()


@pytest.mark.parametrize(("team_size", "name"), [(4, "quarterly"), (5, "monthly"), (12, "monthly")])
def test_a_team_of_five_or_more_is_one_step(team_size, name):
    assert compute_cadence("mid", RULES, team_size=team_size).name == name


@pytest.mark.parametrize(
    ("revenue", "name"), [("999999.99", "semiannual"), ("1000000.00", "quarterly"), ("5000000", "quarterly")]
)
def test_high_value_revenue_is_one_step(revenue, name):
    assert compute_cadence("small", RULES, annual_revenue=Decimal(revenue)).name == name


def test_every_applied_adjustment_is_named_and_the_cadence_never_goes_past_weekly():
    result = compute_cadence("key", RULES, health="red", team_size=8, annual_revenue=Decimal(2_000_000))
    assert result.name == "weekly"
    assert result.days == 7
    assert [a.code for a in result.adjustments] == ["health_red", "large_team", "high_value"]
    assert result.base == "monthly"


risk = st.tuples(
    st.sampled_from([None, "green", "amber", "red"]),
    st.integers(min_value=0, max_value=20),
    st.one_of(st.none(), st.decimals(min_value=0, max_value=10_000_000, places=2)),
)
_HEALTH_ORDER = [None, "green", "amber", "red"]


@given(st.sampled_from([None, "key", "mid", "small"]), risk, risk)
def test_more_risk_never_gives_a_less_frequent_cadence(tier, a, b):
    def at_least(x, y):
        health_x, team_x, revenue_x = x
        health_y, team_y, revenue_y = y
        return (
            _HEALTH_ORDER.index(health_x) >= _HEALTH_ORDER.index(health_y)
            and team_x >= team_y
            and (revenue_x or 0) >= (revenue_y or 0)
        )

    if not at_least(a, b):
        a, b = b, a
    assume(at_least(a, b))  # only comparable situations say anything about "more risk"
    riskier = compute_cadence(tier, RULES, health=a[0], team_size=a[1], annual_revenue=a[2])
    calmer = compute_cadence(tier, RULES, health=b[0], team_size=b[1], annual_revenue=b[2])
    assert CADENCES.index(riskier.name) >= CADENCES.index(calmer.name)
    assert riskier.days <= calmer.days


def test_next_review_counts_from_the_last_review_then_the_tier_date_then_creation():
    created, tiered, reviewed = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)
    assert next_review_due(30, last_review_on=reviewed, tier_assigned_on=tiered, created_on=created) == date(
        2026, 3, 31
    )
    assert next_review_due(30, last_review_on=None, tier_assigned_on=tiered, created_on=created) == date(2026, 3, 3)
    assert next_review_due(90, last_review_on=None, tier_assigned_on=None, created_on=created) == date(2026, 4, 1)


def test_overdue_only_once_the_due_date_has_passed():
    due = date(2026, 5, 1)
    assert not review_overdue(due, date(2026, 4, 30))
    assert not review_overdue(due, due)
    assert review_overdue(due, date(2026, 5, 2))
