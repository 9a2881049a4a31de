"""A KAM's stars, 1 to 5, from weighted process indicators, the way an account's score comes from
weighted criteria.

Each indicator is a percentage (reviews held on time, follow-ups kept, ...). It scores its share of
its target, at most 100: 72 % against a target of 80 % scores 90. The weighted percentage is the
weighted mean of the scores of the indicators that apply (a KAM without key accounts has no
decision makers to engage; that indicator does not count, the others carry its weight). The stars
follow the thresholds: from 90 five stars, from 75 four, from 60 three, from 40 two, one below.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from app.rules.document import SCORECARD_INDICATORS, KamScorecard

_TWO_PLACES = Decimal("0.01")
_FULL = Decimal(100)


@dataclass(frozen=True)
class IndicatorScore:
    code: str
    percent: Decimal | None  # None: does not apply (nothing to count)
    target_percent: Decimal
    weight: Decimal
    score: Decimal | None


@dataclass(frozen=True)
class StarRating:
    stars: int | None  # None when no indicator applies
    weighted_percent: Decimal | None
    indicators: tuple[IndicatorScore, ...]


def percent(part: int, whole: int) -> Decimal | None:
    """``part`` of ``whole`` in percent, exact (shown rounded); None when there is nothing to count."""
    return Decimal(part) * 100 / Decimal(whole) if whole else None


def stars_for(weighted_percent: Decimal, scorecard: KamScorecard) -> int:
    thresholds = scorecard.stars
    for stars, threshold in ((5, thresholds.five), (4, thresholds.four), (3, thresholds.three), (2, thresholds.two)):
        if weighted_percent >= threshold:
            return stars
    return 1


def rate_kam(percents: Mapping[str, Decimal | None], scorecard: KamScorecard) -> StarRating:
    """The stars of one KAM (or a team) from its indicators' percentages."""
    indicators = []
    for code in SCORECARD_INDICATORS:
        indicator = getattr(scorecard, code)
        value = percents.get(code)
        score = None if value is None else min(value * 100 / indicator.target_percent, _FULL)
        indicators.append(IndicatorScore(code, value, indicator.target_percent, indicator.weight, score))
    counted = [i for i in indicators if i.score is not None and i.weight > 0]
    total_weight = sum((i.weight for i in counted), Decimal(0))
    if not total_weight:
        return StarRating(None, None, tuple(indicators))
    weighted = sum((i.weight * i.score for i in counted if i.score is not None), Decimal(0)) / total_weight
    # The stars from the exact figure (89.996 is not 90), the figure shown to two places.
    shown = weighted.quantize(_TWO_PLACES, ROUND_DOWN)
    return StarRating(stars_for(weighted, scorecard), shown, tuple(indicators))
