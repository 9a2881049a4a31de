"""The customer pyramid: the computed tier, and how the assigned tier follows it.

Promotions apply at once. Demotions never happen on their own: a lower computed tier only marks the
account as pending a demotion review until a manager demotes it or keeps it. A manager's keep (or a
tier set by hand) holds while the computed tier stays where it was when the decision was made.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from app.glossary import TIERS, Tier, TierChangeKind, TierDecision
from app.rules.document import TierThresholds

_RANK = {tier: rank for rank, tier in enumerate(reversed(TIERS))}  # small 0, mid 1, key 2

AutomaticChangeKind = Literal["initial", "promotion"]
DecisionKind = TierDecision


def tier_rank(tier: str) -> int:
    return _RANK[tier]


def is_promotion(before: str | None, after: str | None) -> bool:
    """Whether ``after`` is a higher tier than ``before`` (any tier is higher than none)."""
    return after is not None and (before is None or tier_rank(after) > tier_rank(before))


def compute_tier(score: Decimal | None, thresholds: TierThresholds) -> Tier | None:
    if score is None:
        return None
    if score >= thresholds.key:
        return "key"
    if score >= thresholds.mid:
        return "mid"
    return "small"


@dataclass(frozen=True)
class TierState:
    """What is stored of an account's tier."""

    tier: Tier | None
    computed_tier: Tier | None
    held_at_computed: Tier | None = None


@dataclass(frozen=True)
class TierChange:
    """A change to record in the account's tier history."""

    kind: TierChangeKind
    from_tier: Tier | None
    to_tier: Tier | None
    computed_tier: Tier | None
    reason: str


@dataclass(frozen=True)
class TierEvaluation:
    state: TierState
    change: TierChange | None


def pending_demotion_review(state: TierState) -> bool:
    """True when the computed tier is below the tier and no manager decision holds it there."""
    if state.tier is None or state.computed_tier is None:
        return False
    if state.computed_tier == state.held_at_computed:
        return False
    return tier_rank(state.computed_tier) < tier_rank(state.tier)


def evaluate_tier(current: TierState, computed_tier: Tier | None) -> TierEvaluation:
    """Apply a (possibly new) computed tier to the stored state."""
    held = current.held_at_computed if computed_tier == current.held_at_computed else None
    if computed_tier is None or computed_tier == held:
        state = TierState(tier=current.tier, computed_tier=computed_tier, held_at_computed=held)
        return TierEvaluation(state=state, change=None)
    if current.tier is None:
        state = TierState(tier=computed_tier, computed_tier=computed_tier)
        change = TierChange("initial", None, computed_tier, computed_tier, "first tier from the score")
        return TierEvaluation(state=state, change=change)
    if tier_rank(computed_tier) > tier_rank(current.tier):
        state = TierState(tier=computed_tier, computed_tier=computed_tier)
        change = TierChange(
            "promotion", current.tier, computed_tier, computed_tier, f"computed tier rose to {computed_tier}"
        )
        return TierEvaluation(state=state, change=change)
    state = TierState(tier=current.tier, computed_tier=computed_tier)
    return TierEvaluation(state=state, change=None)


class TierDecisionRefused(ValueError):
    """A manager's decision that does not fit the account's current state."""


def decide_tier(current: TierState, decision: DecisionKind, reason: str, tier: Tier | None = None) -> TierEvaluation:
    """A manager's tier decision: demote to the computed tier, keep the tier, or set one by hand."""
    if decision in ("demote", "keep") and not pending_demotion_review(current):
        raise TierDecisionRefused(f"the account is not pending a demotion review, so there is nothing to {decision}")
    if decision == "demote":
        state = TierState(tier=current.computed_tier, computed_tier=current.computed_tier)
        change = TierChange("demotion", current.tier, current.computed_tier, current.computed_tier, reason)
    elif decision == "keep":
        state = TierState(
            tier=current.tier, computed_tier=current.computed_tier, held_at_computed=current.computed_tier
        )
        change = TierChange("keep", current.tier, current.tier, current.computed_tier, reason)
    else:
        if tier is None:
            raise TierDecisionRefused("a set decision needs the tier to set")
        if tier == current.tier:
            raise TierDecisionRefused(f"the account is already in tier {tier}")
        state = TierState(tier=tier, computed_tier=current.computed_tier, held_at_computed=current.computed_tier)
        change = TierChange("set", current.tier, tier, current.computed_tier, reason)
    return TierEvaluation(state=state, change=change)
