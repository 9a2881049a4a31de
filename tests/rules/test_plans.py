from datetime import date
from decimal import Decimal

import pytest

from app.rules.document import DEFAULT_RULES
from app.rules.plans import ObjectiveFacts, activation_problems, smart_problems, value_progress

START = date(2026, 1, 1)


def objective(**changes):
    values = dict(
        id="o1",
        title="Grow",
        horizon="short",
        owner_id="u1",
        metric="revenue",
        target=Decimal(10),
        due_date=date(2026, 3, 1),
    )
    return ObjectiveFacts(**{**values, **changes})


def test_a_smart_objective_has_no_problems():
    assert smart_problems(objective(), START, DEFAULT_RULES) == ()


def test_every_missing_part_is_named():
    problems = smart_problems(objective(owner_id=None, metric=" ", target=None, due_date=None), START, DEFAULT_RULES)
    assert problems == ("no owner", "no metric", "no target value", "no due date")


@pytest.mark.parametrize(
    ("horizon", "due", "fits"),
    [
        ("short", date(2026, 4, 1), True),  # day 90
        ("short", date(2026, 4, 2), False),  # day 91
        ("medium", date(2027, 1, 1), True),  # day 365
        ("medium", date(2027, 1, 2), False),
        ("long", date(2031, 6, 1), True),
        ("long", date(2025, 12, 31), False),  # before the plan starts
    ],
)
def test_the_due_date_must_fit_the_horizon(horizon, due, fits):
    problems = smart_problems(objective(horizon=horizon, due_date=due), START, DEFAULT_RULES)
    assert (problems == ()) is fits


def test_activation_names_each_failing_objective():
    problems = activation_problems(
        [
            objective(),
            objective(id="o2", title="Vague", metric=None),
            objective(id="o3", title="Late", due_date=date(2026, 9, 1)),
        ],
        START,
        DEFAULT_RULES,
    )
    assert [(p.objective_id, p.title) for p in problems] == [("o2", "Vague"), ("o3", "Late")]
    assert "beyond the short horizon" in problems[1].reasons[0]


def test_value_progress_runs_from_baseline_to_target():
    assert value_progress(Decimal(100), Decimal(150), Decimal(200)) == Decimal("0.5")
    assert value_progress(None, Decimal(5), Decimal(10)) == Decimal("0.5")
    assert value_progress(Decimal(10), Decimal(10), Decimal(10)) == Decimal(1)
    assert value_progress(Decimal(10), None, Decimal(20)) is None
