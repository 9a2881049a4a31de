from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.rules.document import DEFAULT_RULES
from app.rules.tiers import (
    TierDecisionRefused,
    TierState,
    compute_tier,
    decide_tier,
    evaluate_tier,
    pending_demotion_review,
    tier_rank,
)

THRESHOLDS = DEFAULT_RULES.tier_thresholds
tiers = st.sampled_from(["key", "mid", "small"])
scores = st.decimals(min_value=10, max_value=100, places=1)


@pytest.mark.parametrize(
    ("score", "tier"),
    [("100.0", "key"), ("75.0", "key"), ("74.9", "mid"), ("50.0", "mid"), ("49.9", "small"), ("10.0", "small")],
)
def test_computed_tier_thresholds(score, tier):
    assert compute_tier(Decimal(score), THRESHOLDS) == tier


def test_no_score_no_computed_tier():
    assert compute_tier(None, THRESHOLDS) is None


@given(scores, scores)
def test_a_higher_score_never_gives_a_lower_tier(a, b):
    low, high = sorted((a, b))
    assert tier_rank(compute_tier(high, THRESHOLDS)) >= tier_rank(compute_tier(low, THRESHOLDS))


def test_a_new_account_starts_in_its_computed_tier():
    evaluation = evaluate_tier(TierState(None, None), "mid")
    assert evaluation.state == TierState("mid", "mid")
    assert evaluation.change.kind == "initial"
    assert (evaluation.change.from_tier, evaluation.change.to_tier) == (None, "mid")


def test_an_account_without_score_has_no_tier():
    evaluation = evaluate_tier(TierState(None, None), None)
    assert evaluation.state.tier is None
    assert evaluation.change is None


def test_a_higher_computed_tier_promotes_at_once():
    evaluation = evaluate_tier(TierState("small", "small"), "key")
    assert evaluation.state == TierState("key", "key")
    assert evaluation.change.kind == "promotion"
    assert (evaluation.change.from_tier, evaluation.change.to_tier) == ("small", "key")


def test_a_lower_computed_tier_only_marks_a_pending_review():
    evaluation = evaluate_tier(TierState("key", "key"), "mid")
    assert evaluation.state == TierState("key", "mid")
    assert evaluation.change is None
    assert pending_demotion_review(evaluation.state)


def test_keep_clears_the_pending_review_until_the_computed_tier_changes_again():
    pending = TierState("key", "mid")
    kept = decide_tier(pending, "keep", "strategic logo").state
    assert kept.tier == "key"
    assert not pending_demotion_review(kept)
    # Same computed tier on a later evaluation: still kept.
    assert not pending_demotion_review(evaluate_tier(kept, "mid").state)
    # The computed tier moves again: pending again.
    assert pending_demotion_review(evaluate_tier(kept, "small").state)


def test_demote_moves_to_the_computed_tier():
    evaluation = decide_tier(TierState("key", "small"), "demote", "volume gone")
    assert evaluation.state == TierState("small", "small")
    assert evaluation.change.kind == "demotion"
    assert not pending_demotion_review(evaluation.state)


def test_demote_and_keep_are_refused_without_a_pending_review():
    for decision in ("demote", "keep"):
        with pytest.raises(TierDecisionRefused):
            decide_tier(TierState("mid", "mid"), decision, "why")


def test_set_by_hand_holds_while_the_computed_tier_stays():
    evaluation = decide_tier(TierState("key", "key"), "set", "parent company policy", tier="mid")
    assert evaluation.state.tier == "mid"
    assert evaluation.change.kind == "set"
    # No automatic promotion back to key while the computed tier is the one the manager saw.
    assert evaluate_tier(evaluation.state, "key").state.tier == "mid"
    # Once the computed tier changes and comes back up, promotion applies again.
    dropped = evaluate_tier(evaluation.state, "mid").state
    assert evaluate_tier(dropped, "key").state.tier == "key"


def test_set_to_the_current_tier_is_refused():
    with pytest.raises(TierDecisionRefused):
        decide_tier(TierState("mid", "mid"), "set", "no-op", tier="mid")


@given(
    st.one_of(st.none(), tiers), st.one_of(st.none(), tiers), st.one_of(st.none(), tiers), st.one_of(st.none(), tiers)
)
def test_evaluation_never_lowers_the_assigned_tier(tier, computed, held, new_computed):
    before = TierState(tier, computed, held)
    after = evaluate_tier(before, new_computed).state
    if tier is not None:
        assert after.tier is not None
        assert tier_rank(after.tier) >= tier_rank(tier)
