"""What a demo account should look like before its records are drawn: its health and the signals
behind it, how its revenue moved, and how diligent its owner is. Records are then drawn to match,
so the portfolio reads like a real team's: most accounts green, about a quarter amber and a tenth
red, each for a reason a KAM would recognise; reviews and follow-ups kept as often as the owner is
diligent, so the KAMs' stars spread from two to five.

The thresholds come from the rules in force (the days without an interaction, the minimum of
interactions a quarter, the declines), so the intended health is the health the service computes.
"""

import random
from dataclasses import dataclass, field

# Shares of the portfolio, for an owner of average diligence.
RED_SHARE, AMBER_SHARE = 0.10, 0.25
AVERAGE_DILIGENCE = 0.77
# Mid and small accounts flagged for promotion (growing fast), and accounts whose computed tier fell
# below their tier, awaiting a manager's decision.
PROMOTION_SHARE, DEMOTION_SHARE = 0.05, 0.02

# Amber causes that fit any account, and those that need the tier's minimum of visits or measurements.
_AMBER_ANY = (
    "no_champion",
    "influential_opponent",
    "revenue_decline",
    "follow_up_overdue",
    "no_decision_maker_engaged",
    "key_contact_left",
)
_AMBER_MEASURED = ("low_improvement_score", "below_visit_frequency")


@dataclass(frozen=True)
class Shape:
    health: str
    causes: frozenset[str] = field(default_factory=frozenset)
    # This year's revenue over last year's.
    growth: float = 1.0
    promotion: bool = False


def diligences(kams: int) -> list[float]:
    """How often each KAM holds reviews and keeps follow-ups on time: from 0.45 to 0.99, most of a
    team near the top, as in a real one."""
    if kams == 1:
        return [AVERAGE_DILIGENCE]
    return [0.99 - 0.54 * (1 - index / (kams - 1)) ** 2 for index in range(kams)]


def draw_shape(rng: random.Random, tier: str | None, diligence: float, may_promote: bool) -> Shape:
    lag = AVERAGE_DILIGENCE - diligence  # a less diligent owner has more accounts at risk
    red = max(0.02, RED_SHARE + 0.25 * lag)
    amber = max(0.08, AMBER_SHARE + 0.45 * lag)
    draw = rng.random()
    measured = tier in ("key", "mid")
    # Key accounts have a year of measurements (a falling engagement shows) and must have a plan.
    key_only = ("no_active_plan", "engagement_declining") if tier == "key" else ()
    ambers = _AMBER_ANY + (_AMBER_MEASURED if measured else ()) + key_only
    if draw < red:
        kind = rng.random()
        if kind < 0.4:
            return Shape("red", frozenset({"no_recent_interaction"}), growth=rng.uniform(0.95, 1.1))
        if kind < 0.7:
            return Shape("red", frozenset({"revenue_decline_red"}), growth=rng.uniform(0.6, 0.72))
        causes = frozenset(rng.sample([c for c in ambers if c != "revenue_decline"], 3))
        return Shape("red", causes, growth=rng.uniform(0.97, 1.2))
    if tier == "key" and lag > 0 and rng.random() < 1.5 * lag:
        # A less diligent owner's key accounts lack the coverage the programme asks for.
        return Shape("amber", frozenset({rng.choice(("no_decision_maker_engaged", "no_active_plan"))}))
    if draw < red + amber:
        cause = rng.choice(ambers)
        growth = rng.uniform(0.78, 0.88) if cause == "revenue_decline" else rng.uniform(0.97, 1.2)
        return Shape("amber", frozenset({cause}), growth=growth)
    if may_promote and rng.random() < PROMOTION_SHARE / (1 - RED_SHARE - AMBER_SHARE):
        return Shape("green", growth=rng.uniform(1.35, 1.6), promotion=True)
    return Shape("green", growth=rng.uniform(0.97, 1.25))
