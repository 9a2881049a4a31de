"""A judgement holds until the moment ``view_holds_until`` names: at any time before it the rules
give the same health, signals and review state as at the time of judging."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from app.rules.document import DEFAULT_RULES
from app.rules.health import HealthFacts, RevenuePeriod, compute_health, revenue_change
from app.rules.validity import shown_view_holds_until, view_holds_until

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
NO_GRACE = DEFAULT_RULES.model_copy(update={"health": DEFAULT_RULES.health.model_copy(update={"onboarding_days": 0})})

# Moments up to two years either side of now, to the second (the rules count whole days of them).
moments = st.integers(-2 * 365 * 86400, 2 * 365 * 86400).map(lambda seconds: NOW + timedelta(seconds=seconds))
maybe = st.none() | moments
RED_DECLINE = revenue_change([RevenuePeriod(2025, None, Decimal(1000)), RevenuePeriod(2026, None, Decimal(600))])


@st.composite
def health_facts(draw) -> HealthFacts:
    return HealthFacts(
        tier=draw(st.sampled_from([None, "key", "mid", "small"])),
        created_at=draw(moments),
        last_interaction_at=draw(maybe),
        decision_maker_engaged_at=draw(maybe),
        has_champion_or_supporter=draw(st.booleans()),
        has_active_plan=draw(st.booleans()),
        key_contact_left_at=draw(maybe),
        grace_started_at=draw(maybe),
        open_follow_up_due_at=draw(maybe),
        recent_interactions=sorted(draw(st.lists(moments, max_size=8)), reverse=True),
        revenue_change=draw(st.sampled_from([None, RED_DECLINE])),
        revenue_changed_at=draw(maybe),
        has_active_recovery_plan=draw(st.booleans()),
    )


# An account's facts, the rules, the day its next review is due, and how far towards the moment named
# a later look at it is.
def judgements(test):
    drawn = given(
        health_facts(),
        st.sampled_from([DEFAULT_RULES, NO_GRACE]),
        st.dates(date(2024, 1, 1), date(2029, 1, 1)),
        st.floats(0, 1, exclude_max=True),
    )
    return settings(max_examples=400)(drawn(test))


def judged(facts, rules, at, due):
    health = compute_health(facts, rules, at)
    signals = {(signal.code, signal.severity) for signal in health.signals}
    return health.status, signals, due <= at.date(), due < at.date()


@judgements
def test_the_view_holds_until_the_moment_named(facts, rules, due, fraction):
    until = view_holds_until(facts, rules, NOW, due)
    assert until is None or until > NOW
    # Any moment from now to just before the one named.
    later = (
        min(NOW + (until - NOW) * fraction, until - timedelta(microseconds=1))
        if until
        else NOW + timedelta(days=3000 * fraction)
    )
    assert judged(facts, rules, later, due) == judged(facts, rules, NOW, due)


def shown(facts, rules, at, due):
    """Everything an answer shows of the health and the review: each signal whole, figures and words."""
    health = compute_health(facts, rules, at)
    signals = [(signal.code, signal.severity, signal.message, signal.figures) for signal in health.signals]
    return health.status, signals, health.onboarding_until, due <= at.date(), due < at.date()


@judgements
def test_the_shown_view_holds_until_the_moment_named(facts, rules, due, fraction):
    until = shown_view_holds_until(facts, rules, NOW, due)
    assert until is not None and NOW < until <= NOW + timedelta(days=1)  # a day-count always turns within a day
    later = min(NOW + (until - NOW) * fraction, until - timedelta(microseconds=1))
    assert shown(facts, rules, later, due) == shown(facts, rules, NOW, due)


def test_a_figure_counting_days_ends_the_shown_view_when_it_grows():
    # Red for weeks: the status and the signals hold, but "days since" grows each day at 09:30.
    facts = HealthFacts(
        tier="key",
        created_at=NOW - timedelta(days=900),
        last_interaction_at=NOW - timedelta(days=200, hours=2, minutes=30),
    )
    due = date(2027, 6, 1)
    until = shown_view_holds_until(facts, DEFAULT_RULES, NOW, due)
    assert until == datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
    assert view_holds_until(facts, DEFAULT_RULES, NOW, due) != until
    assert shown(facts, DEFAULT_RULES, until, due) != shown(facts, DEFAULT_RULES, NOW, due)


def test_the_moment_named_is_the_one_a_signal_appears():
    # A mid account last met 20 days ago: amber after its limit of days, the first thing to change.
    facts = HealthFacts(
        tier="mid",
        created_at=NOW - timedelta(days=400),
        last_interaction_at=NOW - timedelta(days=20),
        decision_maker_engaged_at=NOW - timedelta(days=1),
        has_champion_or_supporter=True,
        has_active_plan=True,
        recent_interactions=[NOW - timedelta(days=d) for d in (20, 21, 22)],
    )
    limits = DEFAULT_RULES.health.no_recent_interaction["mid"]
    until = view_holds_until(facts, DEFAULT_RULES, NOW, date(2027, 6, 1))
    assert until == facts.last_interaction_at + timedelta(days=limits.amber + 1)
    assert judged(facts, DEFAULT_RULES, until - timedelta(seconds=1), date(2027, 6, 1)) == judged(
        facts, DEFAULT_RULES, NOW, date(2027, 6, 1)
    )
    assert judged(facts, DEFAULT_RULES, until, date(2027, 6, 1)) != judged(facts, DEFAULT_RULES, NOW, date(2027, 6, 1))


def test_a_review_falling_due_and_overdue_end_the_view_at_midnight():
    facts = HealthFacts(tier=None, created_at=NOW, last_interaction_at=NOW)
    due = NOW.date() + timedelta(days=3)
    until = view_holds_until(facts, DEFAULT_RULES, NOW, due)
    assert until == datetime(due.year, due.month, due.day, tzinfo=UTC)
    assert view_holds_until(facts, DEFAULT_RULES, until, due) == until + timedelta(days=1)
