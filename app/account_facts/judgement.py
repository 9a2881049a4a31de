"""The computed view in SQL, for filters and portfolio reports over every account at once.

The pure rules (app/rules) decide each account's health, cadence and promotion; this module states
the same rules as SQL expressions over an account and its stored facts, so a report or a filter on
health can be answered by PostgreSQL with the numbers of the rules in force and the time of the
request. A test holds the two to the same answers on generated accounts.
"""

import typing
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    and_,
    case,
    cast,
    func,
    literal,
    not_,
    or_,
)
from sqlalchemy.orm import QueryableAttribute

from app.glossary import CADENCES
from app.models import Account, AccountFactsRow
from app.rules.document import RulesConfig
from app.rules.health import COVERAGE_SIGNALS

F = AccountFactsRow
_TIER_RANK = {"small": 0, "mid": 1, "key": 2}


def _days(days: int) -> timedelta:
    return timedelta(days=days)


def _known(condition: ColumnElement[bool]) -> ColumnElement[bool]:
    return func.coalesce(condition, False)


def _older_than(column: ColumnElement[Any] | QueryableAttribute[Any], days: int, now: datetime) -> ColumnElement[bool]:
    """``(now - column).days > days`` as the rules count whole days."""
    return column <= now - _days(days + 1)


def _rank(column: QueryableAttribute[Any]) -> ColumnElement[int]:
    return case(*((column == tier, rank) for tier, rank in _TIER_RANK.items()))


class Judgement:
    def __init__(self, rules: RulesConfig, now: datetime, *, lapsed: Sequence[UUID] | None = None) -> None:
        """``lapsed``: the accounts whose kept view does not hold, when known to be these alone (see
        ``AccountRepository.lapsed_live_views``): the filters then read every other account's kept
        view and judge only these."""
        self.rules = rules
        self.now = now
        self.lapsed = lapsed
        limits = rules.health
        since = func.coalesce(F.last_interaction_at, Account.created_at)
        tier_key = func.coalesce(Account.tier, "none")

        def by_tier(level: str) -> ColumnElement[bool]:
            return or_(
                *(
                    and_(tier_key == tier, _older_than(since, getattr(bounds, level), now))
                    for tier, bounds in limits.no_recent_interaction.items()
                )
            )

        # Exact: a fall of X % or more is (previous - latest) x 100 >= X x previous, no rounding.
        fall = (F.previous_revenue - F.revenue) * 100
        count = limits.engagement_declining_count
        values = F.engagement_values
        falling = [values[index] < values[index + 1] for index in range(1, count)]
        self.signals: dict[str, tuple[ColumnElement[bool], ColumnElement[bool]]] = {
            # code: (shown, red)
            "no_recent_interaction": (by_tier("amber"), by_tier("red")),
            "no_decision_maker_engaged": (
                or_(
                    F.decision_maker_engaged_at.is_(None),
                    F.decision_maker_engaged_at < now - _days(limits.decision_maker_window_days),
                ),
                literal(False),
            ),
            "no_champion": (not_(F.has_champion_or_supporter), literal(False)),
            "influential_opponent": (F.has_influential_opponent.is_(True), literal(False)),
            "revenue_decline": (
                func.coalesce(fall >= limits.revenue_decline_amber_percent * F.previous_revenue, False),
                func.coalesce(fall >= limits.revenue_decline_red_percent * F.previous_revenue, False),
            ),
            "engagement_declining": (
                and_(func.coalesce(func.array_length(values, 1), 0) >= count, *falling),
                literal(False),
            ),
            "low_improvement_score": (
                func.coalesce(F.latest_improvement < limits.low_improvement_below, False),
                literal(False),
            ),
            "key_contact_left": (
                func.coalesce(F.key_contact_left_at >= now - _days(limits.key_contact_left_window_days), False),
                literal(False),
            ),
            "no_active_plan": (and_(Account.tier == "key", not_(F.has_active_plan)), literal(False)),
            "follow_up_overdue": (
                _older_than(F.open_follow_up_due_at, limits.follow_up_grace_days, now),
                literal(False),
            ),
            "below_visit_frequency": (self._below_visit_frequency(), literal(False)),
            "no_recovery_plan": (
                and_(
                    func.coalesce(fall >= limits.revenue_decline_red_percent * F.previous_revenue, False),
                    not_(F.has_active_recovery_plan),
                    or_(
                        F.revenue_changed_at.is_(None),
                        F.revenue_changed_at <= now - _days(limits.recovery_grace_days),
                    ),
                ),
                literal(False),
            ),
        }
        # A new account (or one new to its tier) is not judged on its coverage yet.
        start = func.greatest(Account.created_at, Account.grace_started_at)
        self.onboarding = start > now - _days(limits.onboarding_days) if limits.onboarding_days else literal(False)
        for code in COVERAGE_SIGNALS:
            shown, red = self.signals[code]
            self.signals[code] = (and_(shown, not_(self.onboarding)), red)

        # NULL facts (an untiered account, a missing figure) mean "not shown", never an unknown.
        self.signals = {code: (_known(shown), _known(red)) for code, (shown, red) in self.signals.items()}

    def _below_visit_frequency(self) -> ColumnElement[bool]:
        """Fewer interactions in the window than the tier's policy asks: its minimum-th latest
        interaction (the facts keep them newest first) is missing or older than the window."""
        since = self.now - _days(self.rules.health.visit_frequency_window_days)
        policies = self.rules.tier_policies
        return or_(
            *(
                and_(
                    Account.tier == tier,
                    not_(_known(F.recent_interactions[policy.min_interactions_per_quarter] >= since)),
                )
                for tier in ("key", "mid", "small")
                if (policy := getattr(policies, tier)).min_interactions_per_quarter > 0
            ),
            literal(False),
        )

    @property
    def kept_holds(self) -> ColumnElement[bool]:
        """The view the last judgement kept (app/events/judge.py) still holds: judged with these
        rules and not past its time. Facts gathered again forget it."""
        return _known(self._holds)

    @property
    def _holds(self) -> ColumnElement[bool]:
        """``kept_holds`` as PostgreSQL can estimate it: NULL, not false, where a view was never judged."""
        return and_(F.judged_until > self.now, F.judged_rules_version == self.rules.version)

    @property
    def kept_lapsed(self) -> ColumnElement[bool]:
        """Exactly ``NOT kept_holds``, said so the indexes on the time and the version find those
        views: never judged, forgotten, past their time, or judged with other rules."""
        version = F.judged_rules_version
        current = self.rules.version
        return or_(
            F.judged_until.is_(None),
            F.judged_until <= self.now,
            version.is_(None),
            version < current,
            version > current,
        )

    @property
    def kept_or_live_health(self) -> ColumnElement[str]:
        """Health as kept while that holds, computed here otherwise: the same answer, cheaper."""
        return case((self.kept_holds, F.judged_health), else_=self.health)

    # The filters below say "kept and so, or lapsed and computed so" rather than a CASE, and each asks
    # for what it wants rather than being negated: the same answer, but PostgreSQL estimates how many
    # accounts pass from the kept columns' statistics (a CASE or a COALESCE gets a fixed guess), and
    # so plans a page by how far it must read. The kept side may be NULL where the view is lapsed,
    # which is why none of these may be negated.

    def _kept_or_live(self, kept: ColumnElement[bool], live: ColumnElement[bool]) -> ColumnElement[bool]:
        if self.lapsed is not None:
            # The views that lapsed named, not estimated: from statistics older than the judgement,
            # PostgreSQL took them for the whole portfolio and walked every account by name for a
            # rare candidate.
            if not self.lapsed:
                return kept
            lapsed = F.account_id.in_(self.lapsed)
            return or_(and_(not_(lapsed), kept), and_(lapsed, live))
        return or_(and_(self._holds, kept), and_(self.kept_lapsed, live))

    def kept_or_live_health_is(self, health: str) -> ColumnElement[bool]:
        return self._kept_or_live(F.judged_health == health, self.health == health)

    def kept_or_live_signal(self, code: str) -> ColumnElement[bool]:
        return self._kept_or_live(F.judged_signals.any_() == code, self.signal(code))

    def kept_or_live_promotion_candidate_is(self, wanted: bool) -> ColumnElement[bool]:
        live = self.promotion_candidate
        if wanted:
            # Said as the kept candidates' partial index says it, so that index answers.
            candidate = typing.cast("ColumnElement[bool]", F.judged_promotion_candidate)
            return self._kept_or_live(candidate, live)
        return self._kept_or_live(F.judged_promotion_candidate.is_not(True), not_(live))

    def kept_or_live_review_overdue_is(self, wanted: bool) -> ColumnElement[bool]:
        today = self.now.date()
        live = _known(self.review_overdue())
        if wanted:
            return self._kept_or_live(F.judged_next_review_due < today, live)
        return self._kept_or_live(F.judged_next_review_due >= today, not_(live))

    def signal(self, code: str) -> ColumnElement[bool]:
        return self.signals[code][0]

    @property
    def signal_count(self) -> ColumnElement[int]:
        return sum((cast(shown, Integer) for shown, _red in self.signals.values()), literal(0))

    @property
    def health(self) -> ColumnElement[str]:
        ambers = sum((cast(and_(shown, not_(red)), Integer) for shown, red in self.signals.values()), literal(0))
        any_red = or_(*(and_(shown, red) for shown, red in self.signals.values()))
        return case(
            (or_(any_red, ambers >= self.rules.health.red_when_ambers), "red"),
            (ambers > 0, "amber"),
            else_="green",
        )

    def cadence_days(self, health: ColumnElement[str] | None = None) -> ColumnElement[int]:
        """``health`` may be given as an already computed column, so it is not evaluated twice."""
        rules = self.rules
        base = case(
            *((Account.tier == tier, CADENCES.index(getattr(rules.base_cadence, tier))) for tier in _TIER_RANK),
            else_=CADENCES.index(rules.base_cadence.none),
        )
        health = self.health if health is None else health
        steps = (
            case((health == "red", 2), (health == "amber", 1), else_=0)
            + cast(F.team_size >= rules.cadence_adjustments.large_team_size, Integer)
            + cast(
                func.coalesce(F.latest_annual_revenue >= rules.cadence_adjustments.high_value_revenue, False), Integer
            )
        )
        position = func.least(base + steps, len(CADENCES) - 1)
        return case(*((position == index, getattr(rules.cadence_days, name)) for index, name in enumerate(CADENCES)))

    def next_review_due(self, health: ColumnElement[str] | None = None) -> ColumnElement[Any]:
        start = func.coalesce(F.last_review_at, Account.tier_assigned_at, Account.created_at)
        day = cast(func.timezone("UTC", start), Date)
        return day + self.cadence_days(health)

    def review_overdue(self, health: ColumnElement[str] | None = None) -> ColumnElement[bool]:
        return self.next_review_due(health) < self.now.date()

    @property
    def promotion_candidate(self) -> ColumnElement[bool]:
        threshold = self.rules.promotion.revenue_growth_percent
        previous = F.previous_annual_revenue
        grown = and_(previous > 0, (F.latest_annual_revenue - previous) * 100 >= threshold * previous)
        return _known(
            and_(
                Account.tier.in_(("mid", "small")),
                or_(
                    func.coalesce(grown, False),
                    func.coalesce(_rank(Account.computed_tier) > _rank(Account.tier), False),
                ),
            )
        )

    @property
    def pending_demotion_review(self) -> ColumnElement[bool]:
        """A computed tier below the tier, which no manager's decision holds (app/rules/tiers.py)."""
        return _known(
            and_(
                _rank(Account.computed_tier) < _rank(Account.tier),
                Account.computed_tier.is_distinct_from(Account.tier_held_at_computed),
            )
        )
