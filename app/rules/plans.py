"""Account plans: whether an objective is SMART enough for its plan to be activated."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from app.rules.document import RulesDocument


@dataclass(frozen=True)
class ObjectiveFacts:
    id: str
    title: str
    horizon: str
    owner_id: object | None
    metric: str | None
    target: Decimal | None
    due_date: date | None


@dataclass(frozen=True)
class ObjectiveProblem:
    objective_id: str
    title: str
    reasons: tuple[str, ...]


def smart_problems(objective: ObjectiveFacts, period_start: date, rules: RulesDocument) -> tuple[str, ...]:
    """Why an objective is not SMART: an owner, a metric, a target and a due date fitting its horizon."""
    reasons = []
    if objective.owner_id is None:
        reasons.append("no owner")
    if not (objective.metric and objective.metric.strip()):
        reasons.append("no metric")
    if objective.target is None:
        reasons.append("no target value")
    if objective.due_date is None:
        reasons.append("no due date")
    else:
        horizons = rules.plan_horizons
        limit = {"short": horizons.short_days, "medium": horizons.medium_days}.get(objective.horizon)
        if objective.due_date < period_start:
            reasons.append(f"due {objective.due_date}, before the plan starts ({period_start})")
        elif limit is not None and objective.due_date > period_start + timedelta(days=limit):
            reasons.append(
                f"due {objective.due_date}, beyond the {objective.horizon} horizon "
                f"({limit} days from {period_start}: {period_start + timedelta(days=limit)})"
            )
    return tuple(reasons)


def activation_problems(
    objectives: list[ObjectiveFacts], period_start: date, rules: RulesDocument
) -> list[ObjectiveProblem]:
    problems = []
    for objective in objectives:
        reasons = smart_problems(objective, period_start, rules)
        if reasons:
            problems.append(ObjectiveProblem(objective.id, objective.title, reasons))
    return problems


def value_progress(baseline: Decimal | None, current: Decimal | None, target: Decimal | None) -> Decimal | None:
    """How far current has come from baseline toward target: 0 at the baseline, 1 at the target."""
    if current is None or target is None:
        return None
    start = baseline if baseline is not None else Decimal(0)
    if target == start:
        return Decimal(1) if current == target else Decimal(0)
    return ((current - start) / (target - start)).quantize(Decimal("0.0001"))
