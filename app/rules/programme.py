"""The programme's pure rules: whether a selection criterion predicts what key accounts return (a
Spearman rank correlation and its verdict), and the commission step an owner's achievement earns.

The correlation is kept exact: ranks are halves at worst (ties take the mean of their places), and
its size is compared with the threshold squared, so a correlation of exactly 0.1 is 0.1."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from math import isqrt
from typing import Literal

from app.rules.document import CommissionStep, ProgrammeRules

Verdict = Literal["predicts", "runs_against", "no_relation", "too_few_accounts"]


@dataclass(frozen=True)
class Correlation:
    accounts: int
    # The correlation (-1 to 1), exact but for the square root; none when either side never varies.
    squared: Fraction | None
    negative: bool

    @property
    def value(self) -> float | None:
        if self.squared is None:
            return None
        root = _sqrt(self.squared)
        return -root if self.negative else root


def _sqrt(value: Fraction) -> float:
    # Six places are more than a report shows: the integer root of the value scaled by 10^12.
    scaled = value * 10**12
    return isqrt(scaled.numerator // scaled.denominator) / 10**6


def ranks(values: Sequence[Fraction | Decimal | int]) -> list[Fraction]:
    """Each value's place in ascending order from 1; tied values share the mean of their places."""
    order = sorted(range(len(values)), key=lambda index: values[index])
    placed: list[Fraction] = [Fraction(0)] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        mean = Fraction(start + end + 2, 2)
        for position in range(start, end + 1):
            placed[order[position]] = mean
        start = end + 1
    return placed


def spearman(xs: Sequence[Fraction | Decimal | int], ys: Sequence[Fraction | Decimal | int]) -> Correlation:
    """The rank correlation of two measures of the same accounts: Pearson's over their ranks."""
    n = len(xs)
    if n != len(ys):
        raise ValueError("both measures must be of the same accounts")
    rx, ry = ranks(xs), ranks(ys)
    return correlation(
        n,
        sum(rx, Fraction(0)),
        sum(ry, Fraction(0)),
        sum((x * x for x in rx), Fraction(0)),
        sum((y * y for y in ry), Fraction(0)),
        sum((x * y for x, y in zip(rx, ry, strict=True)), Fraction(0)),
    )


def correlation(n: int, sx: Fraction, sy: Fraction, sxx: Fraction, syy: Fraction, sxy: Fraction) -> Correlation:
    """Pearson's correlation of n pairs from their sums (of x, y, x squared, y squared, x times y):
    the database sums the ranks of many accounts, this turns the sums into the correlation."""
    if n == 0:
        return Correlation(0, None, False)
    covariance = sxy - sx * sy / n
    spread_x, spread_y = sxx - sx * sx / n, syy - sy * sy / n
    if not spread_x or not spread_y:
        return Correlation(n, None, False)
    return Correlation(n, covariance**2 / (spread_x * spread_y), covariance < 0)


def verdict(correlation: Correlation, rules: ProgrammeRules) -> Verdict:
    """What a director reads of a correlation: too few accounts to say, no relation (smaller than
    ``criteria_min_correlation`` in size, or a measure that never varies), or it predicts (or runs
    against) the outcome."""
    if correlation.accounts < rules.criteria_min_accounts:
        return "too_few_accounts"
    if correlation.squared is None or correlation.squared < Fraction(rules.criteria_min_correlation) ** 2:
        return "no_relation"
    return "runs_against" if correlation.negative else "predicts"


def commission_step(achievement: Fraction | None, steps: Sequence[CommissionStep]) -> CommissionStep | None:
    """The step an achievement (percent of the revenue target; none without a target) falls in."""
    if achievement is None:
        return None
    found = steps[0]
    for step in steps:
        start = Fraction(step.from_percent)
        if achievement > start or (step.inclusive and achievement == start):
            found = step
    return found
