from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.rules.document import DEFAULT_RULES
from app.rules.opportunities import StageMoveRefused, check_stage_move, effective_probability, weighted_amount

OPEN = ["prospecting", "qualification", "needs_analysis", "proposal", "negotiation"]


@pytest.mark.parametrize(
    ("stage", "probability"),
    [
        ("prospecting", 10),
        ("qualification", 20),
        ("needs_analysis", 40),
        ("proposal", 60),
        ("negotiation", 80),
        ("closed_won", 100),
        ("closed_lost", 0),
    ],
)
def test_default_probability_by_stage(stage, probability):
    assert effective_probability(stage, None, DEFAULT_RULES) == probability


def test_a_probability_set_by_hand_wins_only_while_open():
    assert effective_probability("proposal", 35, DEFAULT_RULES) == 35
    assert effective_probability("closed_won", 35, DEFAULT_RULES) == 100
    assert effective_probability("closed_lost", 35, DEFAULT_RULES) == 0


def test_weighted_amount_is_amount_times_probability_in_cents():
    assert weighted_amount(Decimal("1250000.00"), 60) == Decimal("750000.00")
    assert weighted_amount(Decimal("0.05"), 10) == Decimal("0.01")  # 0.005 rounds half up


@given(st.decimals(min_value=0, max_value=10**15, places=2), st.integers(min_value=0, max_value=100))
def test_weighted_amount_never_exceeds_the_amount(amount, probability):
    assert Decimal(0) <= weighted_amount(amount, probability) <= amount


def test_closing_as_lost_needs_a_reason():
    with pytest.raises(StageMoveRefused, match="loss_reason"):
        check_stage_move("proposal", "closed_lost", None)
    with pytest.raises(StageMoveRefused):
        check_stage_move("proposal", "closed_lost", "   ")
    assert check_stage_move("proposal", "closed_lost", "price").closes


def test_a_closed_opportunity_moves_only_by_reopening():
    with pytest.raises(StageMoveRefused, match="reopen"):
        check_stage_move("closed_won", "negotiation", None)
    with pytest.raises(StageMoveRefused):
        check_stage_move("closed_won", "closed_lost", "changed our mind")
    assert check_stage_move("closed_won", "negotiation", None, reopening=True).reopens
    with pytest.raises(StageMoveRefused):
        check_stage_move("proposal", "negotiation", None, reopening=True)
    with pytest.raises(StageMoveRefused):
        check_stage_move("closed_lost", "closed_won", None, reopening=True)


@given(st.sampled_from(OPEN), st.sampled_from(OPEN))
def test_open_stages_move_freely_without_closing(a, b):
    assert not check_stage_move(a, b, None).closes
