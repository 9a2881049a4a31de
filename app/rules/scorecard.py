"""A KAM's stars, 1 to 5, from weighted process indicators, the way an account's score comes from
weighted criteria.

Each indicator is a percentage (reviews held on time, follow-ups kept, ...). It scores its share of
its target, at most 100: 72 % against a target of 80 % scores 90. The weighted percentage is the
weighted mean of the scores of the indicators that apply (a KAM without key accounts has no
decision makers to engage; that indicator does not count, the others carry its weight). The stars
follow the thresholds: from 90 five stars, from 75 four, from 60 three, from 40 two, one below.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from app.rules.document import SCORECARD_INDICATORS, KamScorecard

_FULL = Fraction(100)


@dataclass(frozen=True)
class IndicatorScore:
    code: str
    percent: Fraction | None  # None: does not apply (nothing to count)
    target_percent: Decimal
    weight: Decimal
    score: Fraction | None


@dataclass(frozen=True)
class StarRating:
    stars: int | None  # None when no indicator applies
    weighted_percent: Fraction | None
    indicators: tuple[IndicatorScore, ...]


def percent(part: int, whole: int) -> Fraction | None:
    """``part`` of ``whole`` in percent, exact; None when there is nothing to count."""
    return Fraction(part * 100, whole) if whole else None


def shown(value: Fraction) -> Decimal:
    """An exact figure as a person reads it: two decimals, half up (1 of 3 is 33.33, 2 of 3 66.67)."""
    return Decimal(math.floor(value * 100 + Fraction(1, 2))).scaleb(-2)


def stars_for(weighted_percent: Fraction, scorecard: KamScorecard) -> int:
    thresholds = scorecard.stars
    for stars, threshold in ((5, thresholds.five), (4, thresholds.four), (3, thresholds.three), (2, thresholds.two)):
        if weighted_percent >= Fraction(threshold):
            return stars
    return 1


def rate_kam(percents: Mapping[str, Fraction | None], scorecard: KamScorecard) -> StarRating:
    """The stars of one KAM (or a team) from its indicators' percentages, in exact fractions: a
    rounded third would make 1 of 3 on time weigh 39.99 where it weighs 40."""
    indicators = []
    for code in SCORECARD_INDICATORS:
        indicator = getattr(scorecard, code)
        value = percents.get(code)
        score = None if value is None else min(value * 100 / Fraction(indicator.target_percent), _FULL)
        indicators.append(IndicatorScore(code, value, indicator.target_percent, indicator.weight, score))
    counted = [(Fraction(i.weight), i.score) for i in indicators if i.score is not None and i.weight > 0]
    total_weight = sum((weight for weight, _score in counted), Fraction(0))
    if not total_weight:
        return StarRating(None, None, tuple(indicators))
    weighted = sum((weight * score for weight, score in counted), Fraction(0)) / total_weight
    return StarRating(stars_for(weighted, scorecard), weighted, tuple(indicators))
