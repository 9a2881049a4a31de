"""The pipeline's rules: probabilities, weighted amounts, and which stage moves are allowed."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from app.rules.document import RulesDocument, TierPolicy

CLOSED_STAGES = ("closed_won", "closed_lost")
_CENTS = Decimal("0.01")


def is_closed(stage: str) -> bool:
    return stage in CLOSED_STAGES


def effective_probability(stage: str, manual: int | None, rules: RulesDocument) -> int:
    """A probability set by hand wins while the opportunity is open; closed ones are 100 or 0."""
    if manual is not None and not is_closed(stage):
        return manual
    probability: int = getattr(rules.stage_probabilities, stage)
    return probability


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


@dataclass(frozen=True)
class PolicyException:
    """A term beyond the tier's sales policy: which policy, its limit, the value agreed."""

    policy: str
    limit: Decimal
    value: Decimal

    def __str__(self) -> str:
        what = "discount" if self.policy == "max_discount_percent" else "payment terms"
        unit = "%" if self.policy == "max_discount_percent" else " days"
        return f"{what} {_plain(self.value)}{unit} above the policy's {_plain(self.limit)}{unit}"


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")


def policy_exceptions(
    policy: TierPolicy | None, discount_percent: Decimal | None, payment_terms_days: int | None
) -> list[PolicyException]:
    """The terms beyond the account tier's policy; none for an account without a tier."""
    if policy is None:
        return []
    exceptions = []
    if discount_percent is not None and discount_percent > policy.max_discount_percent:
        exceptions.append(PolicyException("max_discount_percent", policy.max_discount_percent, discount_percent))
    if payment_terms_days is not None and payment_terms_days > policy.payment_terms_days:
        exceptions.append(
            PolicyException("payment_terms_days", Decimal(policy.payment_terms_days), Decimal(payment_terms_days))
        )
    return exceptions


def exceptions_approved(
    exceptions: list[PolicyException],
    approved_discount_percent: Decimal | None,
    approved_payment_terms_days: int | None,
) -> bool:
    """Whether an approval covers every exception: no term more generous than the terms approved."""
    approved = {"max_discount_percent": approved_discount_percent, "payment_terms_days": approved_payment_terms_days}
    for exception in exceptions:
        limit = approved[exception.policy]
        if limit is None or exception.value > limit:
            return False
    return True
