"""The programme's reports, from a fixed number of grouped statements (app/programme/repository.py)
and the pure rules (app/rules/programme.py): targets against actuals with a projection and the
drivers of key-account revenue, what each tier returns, whether the criteria choose well, and the
commission each owner earned."""

import uuid
from collections import defaultdict
from collections.abc import Awaitable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from types import SimpleNamespace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.accounts.service import AccountService
from app.auth import policy
from app.models import Target
from app.plumbing.errors import InvalidFields
from app.programme import kept
from app.programme.repository import ProgrammeRepository
from app.programme.schemas import (
    CommissionReport,
    CorrelationRead,
    CountAgainstTarget,
    CriteriaReport,
    CriterionCheck,
    Decomposition,
    Drivers,
    DriversChange,
    OwnerAgainstTarget,
    OwnerCommission,
    PercentAgainstTarget,
    ProgrammeReport,
    ProgrammeYear,
    RevenueFigure,
    TargetsReport,
    TierCommission,
    TierReturn,
)
from app.rules.opportunities import effective_probability
from app.rules.programme import Correlation, commission_step, correlation, verdict

_CENTS = Decimal("0.01")
PROJECTION_METHOD = (
    "revenue recorded so far in the year (its annual figure, else the sum of its quarters) plus the open "
    "opportunities expected to close by 31 December, each weighted by its probability"
)
TIERS_SHOWN = ("key", "mid", "small", "none")
READINGS = {
    "predicts": "predicts {outcome}",
    "runs_against": "runs against {outcome}",
    "no_relation": "no relation",
    "too_few_accounts": "too few accounts",
}


def percent(part: Decimal | int | Fraction, whole: Decimal | int | Fraction) -> float | None:
    """``part`` over ``whole`` in percent, 2 places (half up); none over nothing."""
    if not whole:
        return None
    exact = Fraction(part) / Fraction(whole) * 100
    return float((Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(_CENTS, ROUND_HALF_UP))


def change(now: Decimal | int | Fraction, before: Decimal | int | Fraction) -> float | None:
    """How much ``now`` moved over ``before``, in percent."""
    return None if not before else percent(Fraction(now) - Fraction(before), before)


def cents(value: Decimal | Fraction) -> Decimal:
    exact = Fraction(value)
    return (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(_CENTS, ROUND_HALF_UP)


@dataclass
class Sums:
    """A year's figures of a group of accounts (a tier, an owner, the key accounts)."""

    accounts: int = 0
    revenue: Decimal = Decimal(0)
    costed_revenue: Decimal = Decimal(0)
    cost: Decimal = Decimal(0)
    previous_revenue: Decimal = Decimal(0)
    bought_before: int = 0
    retained: int = 0
    interactions: int = 0
    deals_won: int = 0

    def add(self, row: Any) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(row, name))

    def returned(self, tier: str) -> TierReturn:
        margin = self.costed_revenue - self.cost
        return TierReturn(
            tier=tier,
            accounts=self.accounts,
            revenue=self.revenue,
            cost_to_serve=self.cost,
            margin=margin,
            margin_percent=percent(margin, self.costed_revenue),
            revenue_growth_percent=change(self.revenue, self.previous_revenue),
            retention_percent=percent(self.retained, self.bought_before),
            interactions_per_account=None if not self.accounts else round(self.interactions / self.accounts, 2),
        )


@dataclass
class Year:
    """A year's figures grouped by tier and by owner."""

    by_tier: dict[str, Sums] = field(default_factory=lambda: defaultdict(Sums))
    by_owner: dict[uuid.UUID | None, Sums] = field(default_factory=lambda: defaultdict(Sums))
    total: Sums = field(default_factory=Sums)

    @classmethod
    def of(cls, rows: Iterable[Any]) -> "Year":
        year = cls()
        for row in rows:
            year.by_tier[row.tier or "none"].add(row)
            year.by_owner[row.owner_id].add(row)
            year.total.add(row)
        return year

    def key(self) -> Sums:
        return self.by_tier.get("key") or Sums()

    def rest(self) -> Sums:
        rest = Sums()
        for tier, sums in self.by_tier.items():
            if tier != "key":
                rest.add(sums)
        return rest


class ProgrammeService:
    def __init__(self, session: AsyncSession, accounts: AccountService) -> None:
        self.accounts = accounts
        self.session = session
        self.today = accounts.now.date()
        self.records = ProgrammeRepository(session, accounts.visibility, self.today)

    async def _use_kept(self, year: int) -> bool:
        """Whether a report of the year reads the kept figures (app/programme/kept.py)."""
        return self.accounts.visibility is None and await kept.large(self.session, year)

    async def _year(self, year: int, use_kept: bool) -> "Year":
        return Year.of(await kept.rows_of(self.session, use_kept, "year", year, lambda: self.records.year(year)))

    async def targets(self, year: int | None) -> TargetsReport:
        """The year's targets against what the accounts did, projected to the year's end."""
        year = self.today.year if year is None else year
        target = await self.records.target(year)
        use_kept = await self._use_kept(year)
        now, before = await self._year(year, use_kept), await self._year(year - 1, use_kept)
        closing = (
            []
            if year < self.today.year
            else await kept.rows_of(
                self.session, use_kept, "pipeline", year, lambda: self.records.pipeline_closing(year)
            )
        )
        pipeline = self._pipeline(closing)
        key, previous_key = now.key(), before.key()
        key_projected = key.revenue + pipeline["key"]
        total_projected = now.total.revenue + sum(pipeline.values(), Decimal(0))
        share_target = None if target is None else target.key_revenue_share_percent
        growth_target = None if target is None else target.key_revenue_growth_percent
        projected_share = percent(key_projected, total_projected)
        projected_growth = change(key_projected, previous_key.revenue)
        owner_targets = _owner_targets(target)
        owners = sorted(
            {*now.by_owner, *(owner for owner in owner_targets if self._sees_owner(owner))},
            key=lambda owner: str(owner),
        )
        names = await self.records.names([owner for owner in owners if owner is not None])
        by_owner_pipeline = self._pipeline(closing, by_owner=True)
        return TargetsReport(
            year=year,
            as_of=min(self.today, date(year, 12, 31)),
            projection_method=PROJECTION_METHOD,
            key_accounts=CountAgainstTarget(
                actual=key.accounts,
                target=None if target is None else target.key_accounts,
                gap=None if target is None or target.key_accounts is None else key.accounts - target.key_accounts,
            ),
            key_revenue_share=PercentAgainstTarget(
                actual_percent=percent(key.revenue, now.total.revenue),
                projected_percent=projected_share,
                target_percent=None if share_target is None else float(share_target),
                gap_points=_points(projected_share, share_target),
            ),
            key_revenue_growth=PercentAgainstTarget(
                actual_percent=change(key.revenue, previous_key.revenue),
                projected_percent=projected_growth,
                target_percent=None if growth_target is None else float(growth_target),
                gap_points=_points(projected_growth, growth_target),
            ),
            key_revenue=RevenueFigure(actual=key.revenue, projected=key_projected, previous_year=previous_key.revenue),
            total_revenue=RevenueFigure(
                actual=now.total.revenue, projected=total_projected, previous_year=before.total.revenue
            ),
            decomposition=_decomposition(year, key, previous_key),
            owners=[
                _against_target(
                    owner,
                    names.get(owner) if owner else None,
                    now.by_owner[owner].revenue if owner in now.by_owner else Decimal(0),
                    by_owner_pipeline.get(owner, Decimal(0)),
                    owner_targets.get(owner) if owner else None,
                )
                for owner in owners
            ],
        )

    def _sees_owner(self, owner_id: uuid.UUID) -> bool:
        principal = self.accounts.principal
        return principal.role != policy.KAM or principal.user_id == owner_id

    def _pipeline(self, rows: Sequence[Any], *, by_owner: bool = False) -> dict[Any, Decimal]:
        """The open pipeline expected to close in the year, weighted: per tier or per owner."""
        weighted: dict[Any, Fraction] = defaultdict(Fraction)
        for row in rows:
            probability = effective_probability(row.stage, row.probability, self.accounts.rules)
            group = row.owner_id if by_owner else (row.tier or "none")
            weighted[group] += Fraction(row.amount) * probability / 100
        found: dict[Any, Decimal] = defaultdict(Decimal)
        found.update({group: cents(amount) for group, amount in weighted.items()})
        return found

    async def _won(self, period_from: date, period_to: date, only: uuid.UUID | None) -> Sequence[Any]:
        """The deals won in the period per owner and tier then: for a large portfolio, the days kept
        (app/programme/kept.py) and what was won since, else computed."""
        start = datetime.combine(period_from, datetime.min.time(), UTC)
        end = datetime.combine(period_to + timedelta(days=1), datetime.min.time(), UTC)
        found = None
        if (
            only is None
            and start >= datetime(self.today.year - 1, 1, 1, tzinfo=UTC)
            and await self._use_kept(self.today.year)
        ):
            found = await kept.kept_as_of(self.session, "won_by_day", self.today.year)
        if found is None:
            return await self.records.won(start, end, only)
        _, as_of = found
        rows = list(await kept.won_in(self.session, period_from, min(period_to, as_of.date() - timedelta(days=1))))
        if max(start, as_of) < end:
            rows += await self.records.won(max(start, as_of), end, None)
        merged: dict[tuple[Any, Any], SimpleNamespace] = {}
        for row in rows:
            key = (row.owner_id, row.tier)
            if key in merged:
                merged[key].deals += row.deals
                merged[key].amount += row.amount
            else:
                merged[key] = SimpleNamespace(owner_id=row.owner_id, tier=row.tier, deals=row.deals, amount=row.amount)
        return list(merged.values())

    async def _owner_revenue(self, year: int, owners: list[uuid.UUID]) -> dict[uuid.UUID, Decimal]:
        """What each owner's accounts brought in the year: from the kept figures of a large portfolio."""
        if await self._use_kept(year):
            by_owner = (await self._year(year, True)).by_owner
            return {owner: by_owner[owner].revenue for owner in owners if owner in by_owner}
        return dict(await self.records.owner_revenue(year, owners))

    async def programme(self, year: int | None) -> ProgrammeReport:
        """Per tier: revenue, cost to serve, margin, growth, retention and effort; key accounts against
        the rest; the same a year earlier."""
        year = self.today.year - 1 if year is None else year
        use_kept = await self._use_kept(year)
        years = [(y, await self._year(y, use_kept)) for y in (year, year - 1)]
        this_year, previous_year = (
            ProgrammeYear(
                year=y,
                tiers=[figures.by_tier[tier].returned(tier) for tier in TIERS_SHOWN],
                key_against_rest=[figures.key().returned("key"), figures.rest().returned("rest")],
            )
            for y, figures in years
        )
        return ProgrammeReport(this_year=this_year, previous_year=previous_year)

    async def criteria(self) -> CriteriaReport:
        """For each criterion and the total score, its rank correlation with revenue growth and margin
        over the latest complete year, and what that says."""
        year = self.today.year - 1
        rules = self.accounts.rules
        keys = list(rules.criterion_keys)
        found: dict[str, dict[str, Correlation]] = defaultdict(dict)
        use_kept = await self._use_kept(year)
        for outcome in ("growth", "margin"):

            def live(outcome: str = outcome) -> Awaitable[Sequence[Any]]:
                return self.records.criteria_ranks(year, keys, outcome)

            rows = await kept.rows_of(self.session, use_kept, f"criteria_{outcome}", year, live)
            for key, correlated in _correlations(rows).items():
                found[key][outcome] = correlated
        labels = {criterion.key: criterion.label for criterion in rules.criteria}

        def read(key: str, outcome: str) -> CorrelationRead:
            correlated = found[key].get(outcome, Correlation(0, None, False))
            said = verdict(correlated, rules.programme)
            value = correlated.value
            return CorrelationRead(
                accounts=correlated.accounts,
                correlation=None if value is None else round(value, 3),
                verdict=said,
                reading=READINGS[said].format(outcome=outcome),
            )

        return CriteriaReport(
            year=year,
            criteria=[
                CriterionCheck(
                    key=key or "score",
                    label=labels.get(key, "Total score"),
                    growth=read(key, "growth"),
                    margin=read(key, "margin"),
                )
                for key in [*keys, ""]
            ],
        )

    async def commission(self, period_from: date | None, period_to: date | None) -> CommissionReport:
        """Per owner: each deal won in the period at its account's tier rate when won, summed, and
        stepped by the owner's achievement of its revenue target in the year the period ends."""
        principal = self.accounts.principal
        policy.require_role(principal, policy.MANAGER, policy.ADMIN, policy.KAM, to="read commission")
        period_to = period_to or self.today
        period_from = period_from or date(period_to.year, 1, 1)
        if period_from > period_to:
            raise InvalidFields.one(["query", "from"], "`from` is after `to`")
        only = principal.user_id if principal.role == policy.KAM else None
        rows = await self._won(period_from, period_to, only)
        policies = self.accounts.rules.tier_policies
        by_owner: dict[uuid.UUID | None, list[TierCommission]] = defaultdict(list)
        for row in sorted(rows, key=lambda row: TIERS_SHOWN.index(row.tier or "none")):
            rate = getattr(policies, row.tier).commission_rate_percent if row.tier else Decimal(0)
            by_owner[row.owner_id].append(
                TierCommission(
                    tier=row.tier or "none",
                    rate_percent=float(rate),
                    deals=row.deals,
                    amount=row.amount,
                    commission=cents(Fraction(row.amount) * Fraction(rate) / 100),
                )
            )
        target = await self.records.target(period_to.year)
        owner_targets = _owner_targets(target)
        owners = sorted(by_owner, key=str)
        revenue = await self._owner_revenue(period_to.year, [owner for owner in owners if owner is not None])
        names = await self.records.names([owner for owner in owners if owner is not None])
        lines = []
        for owner in owners:
            tiers = by_owner[owner]
            base = sum((tier.commission for tier in tiers), Decimal(0))
            goal = owner_targets.get(owner) if owner is not None else None
            achieved = (
                None if owner is None or not goal else Fraction(revenue.get(owner, Decimal(0))) / Fraction(goal) * 100
            )
            step = commission_step(achieved, self.accounts.rules.programme.commission_steps)
            lines.append(
                OwnerCommission(
                    owner_id=owner,
                    owner_name=names.get(owner) if owner else None,
                    deals=sum(tier.deals for tier in tiers),
                    won_amount=sum((tier.amount for tier in tiers), Decimal(0)),
                    by_tier=tiers,
                    base_commission=base,
                    achievement_percent=None if achieved is None else percent(achieved, 100),
                    multiplier=None if step is None else float(step.multiplier),
                    commission=base if step is None else cents(Fraction(base) * Fraction(step.multiplier)),
                )
            )
        return CommissionReport(
            period_from=period_from,
            period_to=period_to,
            target_year=period_to.year,
            owners=lines,
            total_commission=sum((line.commission for line in lines), Decimal(0)),
        )


def _owner_targets(target: Target | None) -> dict[uuid.UUID, Decimal]:
    """A year's revenue target per owner, as the targets keep it."""
    return {} if target is None else {uuid.UUID(o["owner_id"]): Decimal(o["revenue"]) for o in target.owners}


def _points(projected: float | None, target: Decimal | None) -> float | None:
    if projected is None or target is None:
        return None
    return float((Decimal(str(projected)) - target).quantize(_CENTS, ROUND_HALF_UP))


def _drivers(year: int, key: Sums) -> Drivers:
    return Drivers(
        year=year,
        key_accounts=key.accounts,
        key_revenue=key.revenue,
        revenue_per_account=cents(Fraction(key.revenue) / key.accounts) if key.accounts else Decimal(0),
        deals_won=key.deals_won,
        deals_won_per_account=0.0 if not key.accounts else float(cents(Fraction(key.deals_won, key.accounts))),
    )


def _decomposition(year: int, key: Sums, previous: Sums) -> Decomposition:
    this_year, previous_year = _drivers(year, key), _drivers(year - 1, previous)

    def per_account(sums: Sums, value: Decimal | int) -> Fraction:
        return Fraction(value) / sums.accounts if sums.accounts else Fraction(0)

    return Decomposition(
        this_year=this_year,
        previous_year=previous_year,
        change=DriversChange(
            key_accounts_percent=change(key.accounts, previous.accounts),
            revenue_per_account_percent=change(per_account(key, key.revenue), per_account(previous, previous.revenue)),
            deals_won_per_account_percent=change(
                per_account(key, key.deals_won), per_account(previous, previous.deals_won)
            ),
        ),
    )


def _against_target(
    owner: uuid.UUID | None, name: str | None, revenue: Decimal, pipeline: Decimal, target: Decimal | None
) -> OwnerAgainstTarget:
    projected = revenue + pipeline
    return OwnerAgainstTarget(
        owner_id=owner,
        owner_name=name,
        revenue=revenue,
        projected=projected,
        target=target,
        gap=None if target is None else projected - target,
        achievement_percent=None if not target else percent(revenue, target),
    )


def _correlations(rows: Sequence[Any]) -> dict[str, Correlation]:
    """Each criterion's (and the total score's, key '') correlation from the grouped ranks: a score
    ranks at the mean of the places its accounts take, after every account with a lower score."""
    groups: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        groups[row.key].append(row)
    whole = groups.get("", [])
    n = sum(row.accounts for row in whole)
    sum_y = sum((Fraction(row.ranks) for row in whole), Fraction(0))
    sum_yy = sum((Fraction(row.squares) for row in whole), Fraction(0))
    found = {}
    for key, scored in groups.items():
        below = 0
        sum_x = sum_xx = sum_xy = Fraction(0)
        for row in sorted(scored, key=lambda row: row.value):
            rank = Fraction(2 * below + row.accounts + 1, 2)
            sum_x += rank * row.accounts
            sum_xx += rank * rank * row.accounts
            sum_xy += rank * Fraction(row.ranks)
            below += row.accounts
        found[key] = correlation(n, sum_x, sum_y, sum_xx, sum_yy, sum_xy)
    return found
