"""How often an account must be reviewed, and when its next review is due."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from app.glossary import CADENCES, HealthStatus
from app.rules.document import RulesDocument

_HEALTH_STEPS = {"green": 0, "amber": 1, "red": 2}


@dataclass(frozen=True)
class CadenceAdjustment:
    code: str
    steps: int
    reason: str


@dataclass(frozen=True)
class CadenceResult:
    name: str
    days: int
    base: str
    adjustments: tuple[CadenceAdjustment, ...]


def compute_cadence(
    tier: str | None,
    rules: RulesDocument,
    *,
    health: HealthStatus | None = None,
    team_size: int = 0,
    annual_revenue: Decimal | None = None,
) -> CadenceResult:
    """Base cadence by tier, made one step more frequent per risk or value factor, never past weekly."""
    base = getattr(rules.base_cadence, tier or "none")
    adjustments: list[CadenceAdjustment] = []
    if health is not None and _HEALTH_STEPS[health]:
        adjustments.append(CadenceAdjustment(f"health_{health}", _HEALTH_STEPS[health], f"health is {health}"))
    large_team = rules.cadence_adjustments.large_team_size
    if team_size >= large_team:
        adjustments.append(CadenceAdjustment("large_team", 1, f"account team of {team_size} (threshold {large_team})"))
    high_value = rules.cadence_adjustments.high_value_revenue
    if annual_revenue is not None and annual_revenue >= high_value:
        adjustments.append(
            CadenceAdjustment("high_value", 1, f"latest annual revenue {annual_revenue} at or above {high_value}")
        )
    steps = sum(adjustment.steps for adjustment in adjustments)
    name = CADENCES[min(CADENCES.index(base) + steps, len(CADENCES) - 1)]
    return CadenceResult(name=name, days=getattr(rules.cadence_days, name), base=base, adjustments=tuple(adjustments))


def next_review_due(
    cadence_days: int,
    *,
    last_review_on: date | None,
    tier_assigned_on: date | None,
    created_on: date,
) -> date:
    """The last review (or, with none, the day the current tier was assigned, or creation) + the cadence."""
    start = last_review_on or tier_assigned_on or created_on
    return start + timedelta(days=cadence_days)


def review_overdue(due: date, today: date) -> bool:
    return today > due
