"""Response bodies of the programme's reports: targets, returns per tier, criteria, commission."""

import uuid
from datetime import date

from pydantic import Field

from app.plumbing.schemas import Money, MoneyTotal, ReadModel, SignedMoneyTotal


class CountAgainstTarget(ReadModel):
    actual: int
    target: int | None
    gap: int | None = Field(description="Actual minus target; below zero when short.")


class PercentAgainstTarget(ReadModel):
    actual_percent: float | None = Field(description="So far this year (the year, for a year past); 2 places.")
    projected_percent: float | None = Field(description="At the year's end, by `projection_method`.")
    target_percent: float | None
    gap_points: float | None = Field(description="Projected minus target, in percentage points.")


class RevenueFigure(ReadModel):
    actual: MoneyTotal
    projected: MoneyTotal
    previous_year: MoneyTotal


class Drivers(ReadModel):
    """Key-account revenue as its three drivers: how many key accounts, how much each brings, how
    often each buys."""

    year: int
    key_accounts: int
    key_revenue: MoneyTotal
    revenue_per_account: MoneyTotal
    deals_won: int
    deals_won_per_account: float = Field(description="2 places.")


class DriversChange(ReadModel):
    key_accounts_percent: float | None
    revenue_per_account_percent: float | None
    deals_won_per_account_percent: float | None


class Decomposition(ReadModel):
    this_year: Drivers
    previous_year: Drivers
    change: DriversChange = Field(description="Each driver's change over the previous year, in percent.")


class OwnerAgainstTarget(ReadModel):
    owner_id: uuid.UUID | None
    owner_name: str | None
    revenue: MoneyTotal = Field(description="What the owner's accounts brought so far in the year.")
    projected: MoneyTotal
    target: Money | None
    gap: SignedMoneyTotal | None = Field(description="Projected minus target.")
    achievement_percent: float | None = Field(description="Revenue so far over the target; 2 places.")


class TargetsReport(ReadModel):
    year: int
    as_of: date
    projection_method: str
    key_accounts: CountAgainstTarget
    key_revenue_share: PercentAgainstTarget
    key_revenue_growth: PercentAgainstTarget
    key_revenue: RevenueFigure
    total_revenue: RevenueFigure
    decomposition: Decomposition
    owners: list[OwnerAgainstTarget]


class TierReturn(ReadModel):
    tier: str = Field(description="`key`, `mid`, `small`, `none`, or `rest` (every account but the key ones).")
    accounts: int
    revenue: MoneyTotal
    cost_to_serve: MoneyTotal = Field(description="Of the accounts that state it.")
    margin: SignedMoneyTotal = Field(description="Revenue less cost to serve, of the accounts that state a cost.")
    margin_percent: float | None
    revenue_growth_percent: float | None = Field(description="Over the same accounts' revenue the year before.")
    retention_percent: float | None = Field(
        description="Of the accounts that bought the year before, those that bought this year too."
    )
    interactions_per_account: float | None = Field(description="The effort: interactions held in the year.")


class ProgrammeYear(ReadModel):
    year: int
    tiers: list[TierReturn]
    key_against_rest: list[TierReturn] = Field(description="Key accounts, then every other account together.")


class ProgrammeReport(ReadModel):
    this_year: ProgrammeYear
    previous_year: ProgrammeYear


class CorrelationRead(ReadModel):
    accounts: int = Field(description="The accounts both measures are known of.")
    correlation: float | None = Field(description="Spearman's rank correlation, 3 places; null when flat.")
    verdict: str = Field(description="`predicts`, `runs_against`, `no_relation` or `too_few_accounts`.")
    reading: str


class CriterionCheck(ReadModel):
    key: str = Field(description="The criterion's key, or `score` for the total score.")
    label: str
    growth: CorrelationRead
    margin: CorrelationRead


class CriteriaReport(ReadModel):
    year: int = Field(description="The latest complete year: growth over the year before, and margin.")
    criteria: list[CriterionCheck]


class TierCommission(ReadModel):
    tier: str = Field(description="The account's tier when the deal was won (`none`: untiered).")
    rate_percent: float
    deals: int
    amount: MoneyTotal
    commission: MoneyTotal


class OwnerCommission(ReadModel):
    owner_id: uuid.UUID | None
    owner_name: str | None
    deals: int
    won_amount: MoneyTotal
    by_tier: list[TierCommission]
    base_commission: MoneyTotal
    achievement_percent: float | None = Field(description="Revenue of the target's year so far over the target.")
    multiplier: float | None = Field(description="The commission step of the achievement; null without a target.")
    commission: MoneyTotal = Field(description="The base times the multiplier (the base without a target).")


class CommissionReport(ReadModel):
    period_from: date
    period_to: date
    target_year: int
    owners: list[OwnerCommission]
    total_commission: MoneyTotal
