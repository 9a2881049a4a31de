"""Early warning: the signals an account shows, each with its severity and the figures behind it.

Health ignores whether the review is overdue, so that cadence (which health makes more frequent)
and health never depend on each other in a circle.
"""

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from app.glossary import HealthStatus, Severity, SignalCode, Tier
from app.rules.document import RulesDocument

_TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class RevenuePeriod:
    """Revenue of one period: a year (quarter None) or a quarter of a year."""

    year: int
    quarter: int | None
    revenue: Decimal

    @property
    def label(self) -> str:
        return f"{self.year}" if self.quarter is None else f"{self.year}-Q{self.quarter}"

    @property
    def ends(self) -> date:
        if self.quarter is None or self.quarter == 4:
            return date(self.year, 12, 31)
        return date(self.year, 3 * self.quarter + 1, 1) - timedelta(days=1)


@dataclass(frozen=True)
class RevenueChange:
    """The latest period against the previous one of the same kind (whose revenue is above zero)."""

    latest: RevenuePeriod
    previous: RevenuePeriod

    @property
    def percent(self) -> Decimal:
        """The change in percent, for people: rounded to two places. Rules compare ``falls_by``."""
        exact = (self.latest.revenue - self.previous.revenue) * 100 / self.previous.revenue
        return exact.quantize(_TWO_PLACES, ROUND_HALF_UP)

    def falls_by(self, percent: Decimal | int) -> bool:
        """Whether revenue fell by ``percent`` or more, exactly: a 9.95 % fall is not 10 %."""
        return (self.previous.revenue - self.latest.revenue) * 100 >= percent * self.previous.revenue


@dataclass(frozen=True)
class HealthFacts:
    """What health is computed from, loaded for many accounts at once."""

    tier: Tier | None
    created_at: datetime
    last_interaction_at: datetime | None = None
    decision_maker_engaged_at: datetime | None = None
    has_champion_or_supporter: bool = False
    has_influential_opponent: bool = False
    revenue_change: RevenueChange | None = None
    engagement_values: Sequence[Decimal] = ()  # newest first
    latest_improvement: Decimal | None = None
    key_contact_left_at: datetime | None = None
    has_active_plan: bool = False
    # When the onboarding grace last started over: a promotion to a higher tier (never a demotion).
    grace_started_at: datetime | None = None
    # The due date of the oldest follow-up promised and not yet kept by a later interaction.
    open_follow_up_due_at: datetime | None = None
    # When the latest interactions took place, newest first (as many as a tier policy may ask for).
    recent_interactions: Sequence[datetime] = ()
    has_active_recovery_plan: bool = False
    # When the revenue change became known: the later write of its two periods' figures.
    revenue_changed_at: datetime | None = None


# Signals about who and what covers the account, which a new account cannot have yet.
COVERAGE_SIGNALS = ("no_decision_maker_engaged", "no_champion", "no_active_plan", "below_visit_frequency")


@dataclass(frozen=True)
class Signal:
    code: SignalCode
    severity: Severity
    message: str
    figures: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Health:
    status: HealthStatus
    signals: tuple[Signal, ...]
    # Until when the coverage signals do not count (a new account, or one new to its tier).
    onboarding_until: datetime | None = None


def onboarding_until(created_at: datetime, grace_started_at: datetime | None, days: int) -> datetime:
    """The end of the onboarding grace: ``days`` after the account was created or promoted to a
    higher tier. A demotion starts none: what was asked of the higher tier stays asked."""
    start = max(created_at, grace_started_at) if grace_started_at else created_at
    return start + timedelta(days=days)


def days_between(earlier: datetime, now: datetime) -> int:
    return (now - earlier).days


def revenue_change(periods: Sequence[RevenuePeriod]) -> RevenueChange | None:
    """The latest period, the previous period of the same kind, and the change in percent.

    The latest period is the one ending last (a year wins over its fourth quarter); the previous of a
    year is the year before, of a quarter the quarter before. None when either is missing or zero.
    """
    if not periods:
        return None
    latest = max(periods, key=lambda p: (p.ends, p.quarter is None))
    wanted: tuple[int, int | None]
    if latest.quarter is None:
        wanted = (latest.year - 1, None)
    elif latest.quarter == 1:
        wanted = (latest.year - 1, 4)
    else:
        wanted = (latest.year, latest.quarter - 1)
    previous = next((p for p in periods if (p.year, p.quarter) == wanted), None)
    if previous is None or previous.revenue <= 0:
        return None
    return RevenueChange(latest, previous)


def compute_health(facts: HealthFacts, rules: RulesDocument, now: datetime) -> Health:
    limits = rules.health
    signals: list[Signal] = []

    since = facts.last_interaction_at or facts.created_at
    days = days_between(since, now)
    interaction_limits = limits.no_recent_interaction[facts.tier or "none"]
    if days > interaction_limits.amber:
        severity: Severity = "red" if days > interaction_limits.red else "amber"
        what = "the last interaction" if facts.last_interaction_at else "the account was created, with no interaction"
        signals.append(
            Signal(
                "no_recent_interaction",
                severity,
                f"{days} days since {what} (limit {interaction_limits.amber}, red after {interaction_limits.red})",
                {
                    "days_since_interaction": days,
                    "amber_after_days": interaction_limits.amber,
                    "red_after_days": interaction_limits.red,
                },
            )
        )

    window = limits.decision_maker_window_days
    engaged = facts.decision_maker_engaged_at
    if engaged is None or engaged < now - timedelta(days=window):
        signals.append(
            Signal(
                "no_decision_maker_engaged",
                "amber",
                f"no decision maker took part in an interaction in the last {window} days",
                {"window_days": window, "last_engaged_at": engaged.isoformat() if engaged else None},
            )
        )

    if not facts.has_champion_or_supporter:
        signals.append(Signal("no_champion", "amber", "no active contact is a champion or supporter"))

    if facts.has_influential_opponent:
        signals.append(Signal("influential_opponent", "amber", "an active contact with high influence opposes us"))

    change = facts.revenue_change
    if change is not None and change.falls_by(limits.revenue_decline_amber_percent):
        latest, previous, percent = change.latest, change.previous, change.percent
        decline_severity: Severity = "red" if change.falls_by(limits.revenue_decline_red_percent) else "amber"
        signals.append(
            Signal(
                "revenue_decline",
                decline_severity,
                f"revenue {latest.label} is {-percent}% below {previous.label}",
                {
                    "period": latest.label,
                    "previous_period": previous.label,
                    "change_percent": float(percent),
                    "revenue": str(latest.revenue),
                    "previous_revenue": str(previous.revenue),
                },
            )
        )

    if (
        change is not None
        and change.falls_by(limits.revenue_decline_red_percent)
        and not facts.has_active_recovery_plan
    ):
        known_since = facts.revenue_changed_at
        grace = timedelta(days=limits.recovery_grace_days)
        if known_since is None or now >= known_since + grace:
            signals.append(
                Signal(
                    "no_recovery_plan",
                    "amber",
                    f"revenue fell by {limits.revenue_decline_red_percent}% or more and no recovery plan is active"
                    f" (grace {limits.recovery_grace_days} days)",
                    {
                        "known_since": known_since.isoformat() if known_since else None,
                        "grace_days": limits.recovery_grace_days,
                    },
                )
            )

    count = limits.engagement_declining_count
    recent = list(facts.engagement_values[:count])
    if len(recent) == count and all(newer < older for newer, older in itertools.pairwise(recent)):
        oldest_first = [float(value) for value in reversed(recent)]
        signals.append(
            Signal(
                "engagement_declining",
                "amber",
                f"the last {count} engagement measurements fell: {' > '.join(str(v) for v in oldest_first)}",
                {"values_oldest_first": oldest_first},
            )
        )

    if facts.latest_improvement is not None and facts.latest_improvement < limits.low_improvement_below:
        signals.append(
            Signal(
                "low_improvement_score",
                "amber",
                f"the customer improvement score is {facts.latest_improvement}, below {limits.low_improvement_below}",
                {"score": float(facts.latest_improvement), "below": float(limits.low_improvement_below)},
            )
        )

    left_window = limits.key_contact_left_window_days
    if facts.key_contact_left_at is not None and facts.key_contact_left_at >= now - timedelta(days=left_window):
        left_days = days_between(facts.key_contact_left_at, now)
        signals.append(
            Signal(
                "key_contact_left",
                "amber",
                f"a decision maker, economic buyer or champion left {left_days} days ago",
                {"left_at": facts.key_contact_left_at.isoformat(), "window_days": left_window},
            )
        )

    if facts.tier == "key" and not facts.has_active_plan:
        signals.append(Signal("no_active_plan", "amber", "a key account without an active plan"))

    due = facts.open_follow_up_due_at
    if due is not None and days_between(due, now) > limits.follow_up_grace_days:
        late = days_between(due, now)
        signals.append(
            Signal(
                "follow_up_overdue",
                "amber",
                f"a promised follow-up is {late} days late (grace {limits.follow_up_grace_days})",
                {"due_at": due.isoformat(), "days_late": late, "grace_days": limits.follow_up_grace_days},
            )
        )

    policy = rules.tier_policies.of(facts.tier)
    if policy is not None and policy.min_interactions_per_quarter > 0:
        window = limits.visit_frequency_window_days
        since = now - timedelta(days=window)
        count = sum(1 for at in facts.recent_interactions[: policy.min_interactions_per_quarter] if at >= since)
        if count < policy.min_interactions_per_quarter:
            signals.append(
                Signal(
                    "below_visit_frequency",
                    "amber",
                    f"{count} interactions in the last {window} days; the {facts.tier} tier's policy asks for "
                    f"{policy.min_interactions_per_quarter}",
                    {"interactions": count, "minimum": policy.min_interactions_per_quarter, "window_days": window},
                )
            )

    grace_ends = onboarding_until(facts.created_at, facts.grace_started_at, limits.onboarding_days)
    if limits.onboarding_days == 0:  # no grace, whatever the clocks say of a record made this instant
        grace_ends = now
    if now < grace_ends:
        signals = [signal for signal in signals if signal.code not in COVERAGE_SIGNALS]
    return Health(
        status=health_status(signals, limits.red_when_ambers),
        signals=tuple(signals),
        onboarding_until=grace_ends if now < grace_ends else None,
    )


def health_status(signals: Sequence[Signal], red_when_ambers: int) -> HealthStatus:
    """Red when any signal is red or enough are amber; amber when any is amber; green otherwise."""
    ambers = sum(signal.severity == "amber" for signal in signals)
    if any(signal.severity == "red" for signal in signals) or ambers >= red_when_ambers:
        return "red"
    return "amber" if ambers else "green"
