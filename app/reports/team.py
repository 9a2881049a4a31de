"""The team scorecard: each owner's accounts, results and process in numbers for a period, rated with
stars (app/rules/scorecard.py), and the team's totals.

Accounts, revenue, health, decision makers engaged and active plans are as they stand; reviews,
follow-ups, interactions, won and lost deals are those of the period.
"""

import math
import uuid
from collections import defaultdict
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from app.account_facts.judgement import Judgement
from app.plumbing.readable import Column, Readable, cell, table
from app.reports.repository import ReportRepository
from app.rules.document import RulesConfig
from app.rules.opportunities import CLOSED_STAGES, effective_probability
from app.rules.scorecard import percent, rate_kam, shown

_CENTS = Decimal("0.01")
_SHARE = Decimal("0.0001")
_TIERS = ("key", "mid", "small", "none")


@dataclass
class Tally:
    """One owner's counts (or the team's: the sum of them)."""

    accounts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_TIERS, 0))
    revenue: Decimal = Decimal(0)
    key_revenue: Decimal = Decimal(0)
    key_engaged: int = 0
    key_with_plan: int = 0
    amber: int = 0
    red: int = 0
    reviews_due: int = 0
    reviews_on_time: int = 0
    follow_ups: int = 0
    follow_ups_kept: int = 0
    interactions: int = 0
    with_minimum: int = 0
    meeting_minimum: int = 0
    weighted_pipeline: Decimal = Decimal(0)
    won: int = 0
    won_amount: Decimal = Decimal(0)
    lost: int = 0
    lost_amount: Decimal = Decimal(0)

    def add(self, other: "Tally") -> None:
        for tier in _TIERS:
            self.accounts[tier] += other.accounts[tier]
        for name in (f.name for f in fields(self) if f.name != "accounts"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def period_bounds(first: date | None, last: date | None, today: date, default_days: int) -> tuple[date, date]:
    last = last or today
    return first or last - timedelta(days=default_days), last


async def team_scorecard(
    repository: ReportRepository,
    rules: RulesConfig,
    now: datetime,
    first: date,
    last: date,
    owner_id: uuid.UUID | None,
) -> dict[str, Any]:
    """The scorecard of every owner the caller may see (only ``owner_id``'s when given)."""
    judgement = Judgement(rules, now)
    start = datetime.combine(first, time.min, tzinfo=UTC)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=UTC)
    tallies: dict[uuid.UUID, Tally] = defaultdict(Tally)

    engaged_since = end - timedelta(days=rules.health.decision_maker_window_days)
    for owner, tier, count, revenue, engaged, planned, amber, red in await repository.team_accounts(
        judgement, owner_id, engaged_since, end
    ):
        tally = tallies[owner]
        tally.accounts[tier or "none"] += count
        tally.revenue += Decimal(revenue)
        if tier == "key":
            tally.key_revenue += Decimal(revenue)
        tally.key_engaged += engaged
        tally.key_with_plan += planned
        tally.amber += amber
        tally.red += red
    for owner, due, on_time in await repository.team_reviews(judgement, owner_id, first, last, now.date()):
        tallies[owner].reviews_due, tallies[owner].reviews_on_time = due, on_time
    grace = timedelta(days=rules.health.follow_up_grace_days)
    for owner, promised, kept in await repository.team_follow_ups(owner_id, start, end, grace):
        tallies[owner].follow_ups, tallies[owner].follow_ups_kept = promised, kept
    # A tier's minimum per quarter, for the period's length: 6 a quarter is 12 over half a year.
    days = (last - first).days + 1
    window = rules.health.visit_frequency_window_days
    required = {
        tier: math.ceil(policy.min_interactions_per_quarter * days / window)
        for tier in ("key", "mid", "small")
        if (policy := getattr(rules.tier_policies, tier)).min_interactions_per_quarter > 0
    }
    for owner, interactions, with_minimum, meeting in await repository.team_visits(owner_id, start, end, required):
        tally = tallies[owner]
        tally.interactions, tally.with_minimum, tally.meeting_minimum = interactions, with_minimum, meeting
    for owner, stage, probability, count, amount in await repository.team_pipeline(owner_id, start, end):
        tally = tallies[owner]
        if stage not in CLOSED_STAGES:
            tally.weighted_pipeline += amount * effective_probability(stage, probability, rules) / 100
        elif stage == "closed_won":
            tally.won, tally.won_amount = tally.won + count, tally.won_amount + amount
        else:
            tally.lost, tally.lost_amount = tally.lost + count, tally.lost_amount + amount

    people = {person.id: person for person in await repository.people(list(tallies))}
    rows = [
        _row(tallies[owner], rules, {"id": owner, "name": people[owner].name, "email": people[owner].email})
        for owner in sorted(tallies, key=lambda owner: (people[owner].name, str(owner)))
    ]
    team = Tally()
    for tally in tallies.values():
        team.add(tally)
    return {"period_from": first, "period_to": last, "rows": rows, "team": _row(team, rules, None)}


def _share(part: Decimal, whole: Decimal) -> float:
    return float((part / whole).quantize(_SHARE, ROUND_HALF_UP)) if whole else 0.0


def _shown(value: Fraction | None) -> float | None:
    return None if value is None else float(shown(value))


def _row(tally: Tally, rules: RulesConfig, owner: dict[str, Any] | None) -> dict[str, Any]:
    total = sum(tally.accounts.values())
    key = tally.accounts["key"]
    percents = {
        "reviews_on_time": percent(tally.reviews_on_time, tally.reviews_due),
        "follow_ups_kept": percent(tally.follow_ups_kept, tally.follow_ups),
        "decision_makers_engaged": percent(tally.key_engaged, key),
        "plans_active": percent(tally.key_with_plan, key),
        "visit_frequency_met": percent(tally.meeting_minimum, tally.with_minimum),
    }
    rating = rate_kam(percents, rules.kam_scorecard)
    return {
        "owner": owner,
        "accounts": {**tally.accounts, "total": total},
        "revenue": tally.revenue,
        "key_revenue_share": _share(tally.key_revenue, tally.revenue),
        "reviews": {
            "fell_due": tally.reviews_due,
            "held_on_time": tally.reviews_on_time,
            "on_time_percent": _shown(percents["reviews_on_time"]),
        },
        "follow_ups": {
            "promised": tally.follow_ups,
            "kept": tally.follow_ups_kept,
            "kept_percent": _shown(percents["follow_ups_kept"]),
        },
        "interactions": {
            "count": tally.interactions,
            "per_account": float((Decimal(tally.interactions) / total).quantize(_CENTS, ROUND_HALF_UP))
            if total
            else 0.0,
            "accounts_with_minimum": tally.with_minimum,
            "accounts_meeting_minimum": tally.meeting_minimum,
            "visit_frequency_met_percent": _shown(percents["visit_frequency_met"]),
        },
        "decision_makers": {
            "key_accounts": key,
            "engaged": tally.key_engaged,
            "engaged_percent": _shown(percents["decision_makers_engaged"]),
        },
        "plans": {
            "key_accounts": key,
            "with_active_plan": tally.key_with_plan,
            "active_percent": _shown(percents["plans_active"]),
        },
        "health": {"amber": tally.amber, "red": tally.red},
        "pipeline": {
            "open_weighted": tally.weighted_pipeline.quantize(_CENTS, ROUND_HALF_UP),
            "won": {"count": tally.won, "amount": tally.won_amount},
            "lost": {"count": tally.lost, "amount": tally.lost_amount},
        },
        "stars": {
            "stars": rating.stars,
            "weighted_percent": _shown(rating.weighted_percent),
            "indicators": [
                {
                    "code": indicator.code,
                    "percent": _shown(indicator.percent),
                    "target_percent": float(indicator.target_percent),
                    "weight": float(indicator.weight),
                    "score": _shown(indicator.score),
                }
                for indicator in rating.indicators
            ],
        },
    }


def _stars(stars: int | None) -> str:
    return "-" if stars is None else "★" * stars + "☆" * (5 - stars)


def to_markdown(report: dict[str, Any], readable: Readable) -> str:
    """The scorecard as a Markdown table, one line per owner and the team's last."""
    r = readable

    def of(part: int, whole: int, percent: float | None) -> str:
        return f"{r.percent(percent)} ({r.number(part)} of {r.number(whole)})"

    rows = []
    for row in [*report["rows"], report["team"]]:
        accounts = row["accounts"]
        tiers = " / ".join(r.number(accounts[tier]) for tier in ("key", "mid", "small", "none"))
        name = cell(row["owner"]["name"]) if row["owner"] else "**Team**"
        pipeline = row["pipeline"]
        rows.append(
            [
                name,
                f"{r.number(accounts['total'])} ({tiers})",
                r.money(row["revenue"]),
                r.share(row["key_revenue_share"]),
                of(row["reviews"]["held_on_time"], row["reviews"]["fell_due"], row["reviews"]["on_time_percent"]),
                of(row["follow_ups"]["kept"], row["follow_ups"]["promised"], row["follow_ups"]["kept_percent"]),
                r.percent(row["decision_makers"]["engaged_percent"]),
                r.percent(row["plans"]["active_percent"]),
                r.percent(row["interactions"]["visit_frequency_met_percent"]),
                f"{r.number(row['health']['amber'])} / {r.number(row['health']['red'])}",
                r.money(pipeline["open_weighted"]),
                f"{r.number(pipeline['won']['count'])} ({r.money(pipeline['won']['amount'])})",
                f"{r.number(pipeline['lost']['count'])} ({r.money(pipeline['lost']['amount'])})",
                _stars(row["stars"]["stars"]),
            ]
        )
    columns = [
        Column("Owner"),
        Column("Accounts (key / mid / small / no tier)", True),
        Column("Revenue", True),
        Column("Key accounts' share", True),
        Column("Reviews on time", True),
        Column("Follow-ups kept", True),
        Column("Decision makers engaged", True),
        Column("Plans active", True),
        Column("Visit frequency met", True),
        Column("Amber / red", True),
        Column("Weighted pipeline", True),
        Column("Won", True),
        Column("Lost", True),
        Column("Stars"),
    ]
    heading = f"## Team scorecard, {report['period_from']} to {report['period_to']}"
    return "\n".join([heading, "", *table(columns, rows)]) + "\n"
