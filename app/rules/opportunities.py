"""The pipeline's rules: probabilities, weighted amounts, and which stage moves are allowed."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from app.rules.document import RulesDocument

CLOSED_STAGES = ("closed_won", "closed_lost")
_CENTS = Decimal("0.01")


def is_closed(stage: str) -> bool:
    return stage in CLOSED_STAGES


def effective_probability(stage: str, manual: int | None, rules: RulesDocument) -> int:
    """A probability set by hand wins while the opportunity is open; closed ones are 100 or 0."""
    if manual is not None and not is_closed(stage):
        return manual
    return getattr(rules.stage_probabilities, stage)


def weighted_amount(amount: Decimal, probability: int) -> Decimal:
    return (amount * probability / 100).quantize(_CENTS, rounding=ROUND_HALF_UP)


class StageMoveRefused(ValueError):
    """A stage change the pipeline rules do not allow."""


@dataclass(frozen=True)
class StageMove:
    closes: bool
    reopens: bool


def check_stage_move(current: str, new: str, loss_reason: str | None, *, reopening: bool = False) -> StageMove:
    """Closing needs a loss reason when lost; a closed opportunity moves only through an explicit reopen."""
    if is_closed(current) and new != current and not reopening:
        raise StageMoveRefused(f"the opportunity is {current}; reopen it before moving it to {new}")
    if reopening and not is_closed(current):
        raise StageMoveRefused("only a closed opportunity can be reopened")
    if reopening and is_closed(new):
        raise StageMoveRefused("reopening moves the opportunity to an open stage")
    if new == "closed_lost" and not (loss_reason and loss_reason.strip()):
        raise StageMoveRefused("closing as lost needs a loss_reason")
    return StageMove(closes=is_closed(new) and not is_closed(current), reopens=reopening)
