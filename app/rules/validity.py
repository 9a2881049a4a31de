"""How long a judgement holds: the first instant at which the clock alone could change an account's
computed view (health and its signals, the review falling due or overdue).

Every rule that reads the clock compares it with a stored time plus a fixed number of days, so the
view made at ``now`` holds until the nearest of those moments still ahead; only a change to the
account's records (or to the rules) can change it sooner. A stored view is used in place of the
computation while it holds, so each moment here is the exact one, or earlier, never later.
"""

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

from app.rules.document import RulesDocument
from app.rules.health import HealthFacts, onboarding_until


def _health_turns(facts: HealthFacts, rules: RulesDocument) -> Iterator[datetime]:
    limits = rules.health
    # "More than N days" holds from N + 1 whole days on.
    since = facts.last_interaction_at or facts.created_at
    bounds = limits.no_recent_interaction[facts.tier or "none"]
    yield since + timedelta(days=bounds.amber + 1)
    yield since + timedelta(days=bounds.red + 1)
    if facts.decision_maker_engaged_at is not None:
        # Shown once the engagement is older than the window: just after this moment.
        yield facts.decision_maker_engaged_at + timedelta(days=limits.decision_maker_window_days)
    if facts.key_contact_left_at is not None:
        # Shown while the departure is within the window: up to this moment.
        yield facts.key_contact_left_at + timedelta(days=limits.key_contact_left_window_days)
    if facts.revenue_changed_at is not None:
        # no_recovery_plan is shown from the end of its grace on.
        yield facts.revenue_changed_at + timedelta(days=limits.recovery_grace_days)
    if facts.open_follow_up_due_at is not None:
        yield facts.open_follow_up_due_at + timedelta(days=limits.follow_up_grace_days + 1)
    policy = rules.tier_policies.of(facts.tier)
    if policy is not None and policy.min_interactions_per_quarter > 0:
        window = timedelta(days=limits.visit_frequency_window_days)
        yield from (at + window for at in facts.recent_interactions[: policy.min_interactions_per_quarter])
    if limits.onboarding_days:
        yield onboarding_until(facts.created_at, facts.grace_started_at, limits.onboarding_days)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def view_holds_until(facts: HealthFacts, rules: RulesDocument, now: datetime, next_review_due: date) -> datetime | None:
    """The first moment after ``now`` at which the clock alone could change the view computed at
    ``now``, whose next review is due on ``next_review_due`` (due from that day, overdue from the
    next, in UTC); None when the clock alone never will."""
    turns = [*_health_turns(facts, rules), _midnight(next_review_due), _midnight(next_review_due + timedelta(days=1))]
    return min((turn for turn in turns if turn > now), default=None)


def _figure_turns(facts: HealthFacts) -> Iterator[datetime]:
    # A figure counting the whole days since a moment (since the last interaction, since a key contact
    # left, a follow-up late) grows by one each day at that moment's time of day.
    since = facts.last_interaction_at or facts.created_at
    yield from (moment for moment in (since, facts.key_contact_left_at, facts.open_follow_up_due_at) if moment)


def shown_view_holds_until(
    facts: HealthFacts, rules: RulesDocument, now: datetime, next_review_due: date
) -> datetime | None:
    """As ``view_holds_until``, for the view as an answer shows it: also until a signal's figures
    (days since, days late) change, which they do each day while the signal is shown."""
    figures = (moment + timedelta(days=(now - moment).days + 1) for moment in _figure_turns(facts))
    return min(filter(None, (view_holds_until(facts, rules, now, next_review_due), *figures)), default=None)
