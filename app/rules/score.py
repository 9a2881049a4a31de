"""The weighted score of an account, 10.0 to 100.0, from its criterion values 1 to 10."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from app.rules.document import Criterion

MIN_VALUE = 1
MAX_VALUE = 10
_ONE_PLACE = Decimal("0.1")


@dataclass(frozen=True)
class ScoreResult:
    score: Decimal | None
    missing_criteria: tuple[str, ...]


def compute_score(values: Mapping[str, int], criteria: Sequence[Criterion]) -> ScoreResult:
    """score = round(10 x sum(weight x value) / sum(weight), 1); none while any criterion is unscored.

    Values for keys that are not criteria (left over from an earlier configuration) are ignored.
    Rounding is half up, as a person rounding by hand would: 77.25 gives 77.3.
    """
    missing = tuple(criterion.key for criterion in criteria if values.get(criterion.key) is None)
    if missing:
        return ScoreResult(score=None, missing_criteria=missing)
    weighted = sum((criterion.weight * values[criterion.key] for criterion in criteria), Decimal(0))
    total_weight = sum((criterion.weight for criterion in criteria), Decimal(0))
    score = (10 * weighted / total_weight).quantize(_ONE_PLACE, rounding=ROUND_HALF_UP)
    return ScoreResult(score=score, missing_criteria=())
