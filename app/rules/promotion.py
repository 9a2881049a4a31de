"""Promotion candidates: regular accounts about to grow, worth winning early."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from app.rules.document import RulesDocument
from app.rules.tiers import tier_rank


@dataclass(frozen=True)
class PromotionCandidacy:
    candidate: bool
    reasons: tuple[str, ...]
    revenue_growth_percent: Decimal | None = None


def promotion_candidacy(
    tier: str | None,
    computed_tier: str | None,
    latest_annual_revenue: Decimal | None,
    previous_annual_revenue: Decimal | None,
    rules: RulesDocument,
) -> PromotionCandidacy:
    """A mid or small account whose latest annual revenue grew by the threshold (30 %) or more over
    the year before, or whose computed tier is above its tier."""
    if tier not in ("mid", "small"):
        return PromotionCandidacy(False, ())
    reasons = []
    growth = None
    if latest_annual_revenue is not None and previous_annual_revenue is not None and previous_annual_revenue > 0:
        increase = latest_annual_revenue - previous_annual_revenue
        growth = (increase * 100 / previous_annual_revenue).quantize(Decimal("0.01"), ROUND_HALF_UP)
        # The exact figure against the threshold: 29.96 % growth is not 30 % (the message rounds).
        threshold = rules.promotion.revenue_growth_percent
        if increase * 100 >= threshold * previous_annual_revenue:
            reasons.append(f"annual revenue grew {growth}% (threshold {threshold}%)")
    if computed_tier is not None and tier_rank(computed_tier) > tier_rank(tier):
        reasons.append(f"computed tier {computed_tier} is above its tier {tier}")
    return PromotionCandidacy(bool(reasons), tuple(reasons), growth)
