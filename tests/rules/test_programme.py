"""The programme's rules with plain values: ranks, the rank correlation at its threshold, verdicts,
commission steps at their edges, and the rules document refusing steps that do not rise."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from app.rules.document import ProgrammeRules
from app.rules.programme import commission_step, ranks, spearman, verdict

RULES = ProgrammeRules()


def swapped(n: int, half: int) -> list[int]:
    """1..n with disjoint pairs swapped, farthest first, until the squared distances sum to 2 x half."""
    ys, free, left = list(range(1, n + 1)), set(range(1, n + 1)), half
    for distance in range(n - 1, 0, -1):
        for i in range(1, n + 1 - distance):
            if left >= distance**2 and {i, i + distance} <= free:
                ys[i - 1], ys[i + distance - 1] = ys[i + distance - 1], ys[i - 1]
                free -= {i, i + distance}
                left -= distance**2
    assert left == 0
    return ys


def test_tied_values_share_the_mean_of_their_places():
    assert ranks([10, 20, 20, 5]) == [2, Fraction(7, 2), Fraction(7, 2), 1]


def test_a_correlation_of_exactly_one_tenth_predicts_and_just_below_does_not():
    xs = list(range(1, 32))
    # Without ties rho = 1 - 6 x sum(d^2) / (n (n^2 - 1)): 4,464 gives 0.1 exactly, 4,466 gives 0.0996.
    exact = spearman(xs, swapped(31, 2232))
    assert exact.squared == Fraction(1, 100) and exact.value == 0.1
    assert verdict(exact, RULES) == "predicts"
    below = spearman(xs, swapped(31, 2233))
    assert below.squared is not None and below.squared < Fraction(1, 100)
    assert verdict(below, RULES) == "no_relation"


def test_thirty_accounts_are_enough_and_twenty_nine_are_too_few():
    assert verdict(spearman(range(30), range(30)), RULES) == "predicts"
    assert verdict(spearman(range(29), range(29)), RULES) == "too_few_accounts"
    falling = spearman(range(30), range(30, 0, -1))
    assert falling.value == -1.0 and verdict(falling, RULES) == "runs_against"


def test_a_measure_that_never_varies_says_nothing():
    flat = spearman([5] * 40, range(40))
    assert flat.squared is None and flat.value is None and verdict(flat, RULES) == "no_relation"


@pytest.mark.parametrize(
    ("achievement", "multiplier"),
    [
        (Fraction(0), "0.8"),
        (Fraction(7999, 100), "0.8"),
        (Fraction(80), "1"),
        (Fraction(100), "1"),
        (Fraction(10001, 100), "1.2"),
        (Fraction(500), "1.2"),
    ],
)
def test_each_commission_step_at_its_edge(achievement, multiplier):
    step = commission_step(achievement, RULES.commission_steps)
    assert step is not None and step.multiplier == Decimal(multiplier)


def test_no_target_no_step():
    assert commission_step(None, RULES.commission_steps) is None


def test_steps_must_rise():
    with pytest.raises(ValidationError, match="must rise"):
        ProgrammeRules(
            commission_steps=[
                {"from_percent": 0, "multiplier": 1},
                {"from_percent": 80, "multiplier": "0.9"},
            ]
        )
    with pytest.raises(ValidationError, match="starts at 0"):
        ProgrammeRules(commission_steps=[{"from_percent": 10, "multiplier": 1}])


measures = st.lists(st.tuples(st.integers(-50, 50), st.integers(-50, 50)), min_size=2, max_size=40)


@given(measures)
def test_the_correlation_is_symmetric_bounded_and_blind_to_the_scale(pairs):
    xs, ys = [x for x, _ in pairs], [y for _, y in pairs]
    forward, backward = spearman(xs, ys), spearman(ys, xs)
    assert forward == backward
    assert forward.squared is None or 0 <= forward.squared <= 1
    # Ranks only: any rising transformation of a measure leaves it as it is.
    assert spearman([x**3 + 7 for x in xs], ys) == forward
