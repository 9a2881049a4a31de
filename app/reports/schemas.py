"""Bodies of the portfolio reports."""

import uuid
from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from app.accounts.schemas import SignalRead
from app.glossary import Severity, TierOrNone
from app.kit.schemas import Money

Share = float


class PyramidLevel(BaseModel):
    tier: TierOrNone
    accounts: int
    account_share: Share = Field(description="Of all accounts, 0 to 1.")
    revenue: Money = Field(description="Sum of the accounts' latest annual revenue.")
    revenue_share: Share


class PyramidReport(BaseModel):
    levels: list[PyramidLevel] = Field(description="key, mid, small, then accounts without a tier.")
    total_accounts: int
    total_revenue: Money
    key_revenue_share: Share = Field(description="The number a KAM programme is steered by.")


class RankedAccount(BaseModel):
    account_id: uuid.UUID
    name: str
    tier: str | None
    revenue: Money
    revenue_share: Share
    cumulative_share: Share


class ConcentrationReport(BaseModel):
    accounts_with_revenue: int
    accounts_without_revenue: int
    total_revenue: Money
    top_20_percent_accounts: int = Field(description="How many accounts make the top 20 % (rounded up).")
    top_20_percent_share: Share
    top_n: int
    top_n_share: Share
    top_accounts: list[RankedAccount]


class DueReview(BaseModel):
    account_id: uuid.UUID
    name: str
    tier: str | None
    owner_id: uuid.UUID | None
    cadence: str
    last_review_at: str | None
    next_review_due: date
    overdue: bool
    days_until_due: int = Field(description="Negative when overdue.")


class ReviewsDueReport(BaseModel):
    days: int
    overdue: int
    due_soon: int
    items: list[DueReview]


class AccountAtRisk(BaseModel):
    account_id: uuid.UUID
    name: str
    tier: str | None
    owner_id: uuid.UUID | None
    health: Severity
    signals: list[SignalRead]


class AtRiskReport(BaseModel):
    red: int
    amber: int
    items: list[AccountAtRisk]


class StageLine(BaseModel):
    stage: str
    count: int
    amount: Money
    weighted_amount: Money


class LossReason(BaseModel):
    reason: str
    count: int
    amount: Money


class ClosedSummary(BaseModel):
    count: int
    amount: Money


class PipelineReport(BaseModel):
    open_by_stage: list[StageLine]
    open_total: StageLine
    closed_from: date
    closed_to: date
    won: ClosedSummary
    lost: ClosedSummary
    loss_reasons: list[LossReason]


class OperatingReport(BaseModel):
    """Seven sections, each a JSON object; see the README for their fields."""

    account: dict[str, Any]
    period: dict[str, date]
    overall: dict[str, Any] = Field(description="tier, score, health, revenue trend")
    maintenance: dict[str, Any] = Field(description="interactions and reviews in the period, cadence")
    churn: dict[str, Any] = Field(description="revenue decline, lost opportunities, contacts who left")
    growth: dict[str, Any] = Field(description="the active plan's objectives and progress, open pipeline")
    competitors: dict[str, Any]
    team: dict[str, Any]
    next_steps: dict[str, Any] = Field(description="open actions by due date, follow-ups, next review")
