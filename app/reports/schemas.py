"""Bodies of the portfolio reports."""

import uuid
from datetime import date, datetime

from pydantic import BaseModel, Field

from app.accounts.schemas import HealthRead, Score, SignalRead
from app.glossary import (
    ActionStatus,
    Attitude,
    BuyingRole,
    Cadence,
    Horizon,
    Influence,
    InteractionType,
    ObjectiveStatus,
    PlanKind,
    Severity,
    TeamRole,
    Tier,
    TierOrNone,
    VisitPurpose,
)
from app.plans.schemas import Competitor, Figure
from app.plumbing.schemas import Money, MoneyTotal
from app.programme.schemas import TargetsReport
from app.users.schemas import UserSummary
from app.whitespace.schemas import AccountWhitespace, PortfolioWhitespace

Share = float


class PyramidLevel(BaseModel):
    tier: TierOrNone
    accounts: int
    account_share: Share = Field(description="Of all accounts, 0 to 1.")
    revenue: MoneyTotal = Field(description="Sum of the accounts' latest annual revenue.")
    revenue_share: Share
    service_revenue: MoneyTotal = Field(description="Sum of the service part of that revenue, where stated.")
    service_share: Share = Field(
        description="Service revenue over the revenue of the accounts that state it (0 when none does)."
    )


class PyramidReport(BaseModel):
    levels: list[PyramidLevel] = Field(description="key, mid, small, then accounts without a tier.")
    total_accounts: int
    total_revenue: MoneyTotal
    key_revenue_share: Share = Field(description="The number a KAM programme is steered by.")
    total_service_revenue: MoneyTotal
    service_share: Share = Field(description="Of all accounts that state their service revenue.")


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
    total_revenue: MoneyTotal
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
    amount: MoneyTotal
    weighted_amount: MoneyTotal


class LossReason(BaseModel):
    reason: str
    count: int
    amount: MoneyTotal


class ClosedSummary(BaseModel):
    count: int
    amount: MoneyTotal


class PipelineReport(BaseModel):
    open_by_stage: list[StageLine]
    open_total: StageLine
    closed_from: date
    closed_to: date
    won: ClosedSummary
    lost: ClosedSummary
    loss_reasons: list[LossReason]


class ReportAccount(BaseModel):
    id: uuid.UUID
    name: str
    industry: str | None
    region: str | None


class RevenuePoint(BaseModel):
    period: str
    revenue: Money
    service_revenue: Money | None
    service_share: float | None = Field(description="service_revenue / revenue, 4 places; null without both.")


class ChainPerson(BaseModel):
    """One active contact in the account's decision chain."""

    id: uuid.UUID
    name: str
    title: str | None
    buying_roles: list[BuyingRole]
    attitude: Attitude
    influence: Influence
    reports_to_id: uuid.UUID | None


class OverallSection(BaseModel):
    tier: Tier | None
    computed_tier: Tier | None
    score: Score | None
    tier_pending_review: bool
    health: HealthRead
    revenue_trend: list[RevenuePoint] = Field(description="The latest years, oldest first.")
    latest_annual_revenue: Money | None
    promotion_candidate: bool
    decision_chain: list[ChainPerson] = Field(description="The active contacts and whom each reports to.")


class InteractionSummary(BaseModel):
    occurred_at: datetime
    type: InteractionType
    purpose: VisitPurpose | None
    summary: str | None


class ReviewSummary(BaseModel):
    held_at: datetime
    summary: str | None
    decisions: str | None


class MaintenanceSection(BaseModel):
    interactions: int = Field(description="Interactions in the period.")
    interactions_by_type: dict[InteractionType, int]
    latest_interactions: list[InteractionSummary] = Field(description="The five latest of the period.")
    reviews: list[ReviewSummary]
    cadence: Cadence
    next_review_due: date
    review_overdue: bool


class LostOpportunity(BaseModel):
    name: str
    amount: Money
    loss_reason: str | None
    closed_at: datetime | None


class ContactLeft(BaseModel):
    name: str
    title: str | None
    left_at: datetime | None


class PlanSummary(BaseModel):
    id: uuid.UUID
    name: str
    kind: PlanKind
    period_start: date
    period_end: date


class Project(PlanSummary):
    """The active plan run as a project (growth or recovery), with how far it has come."""

    objectives: int
    objectives_achieved: int
    progress: float | None = Field(
        description="The mean progress of its objectives with figures (0 at the baseline, 1 at the target)."
    )


class ChurnSection(BaseModel):
    revenue_decline: SignalRead | None
    lost_opportunities: list[LostOpportunity]
    contacts_left: list[ContactLeft]
    recovery_project: Project | None = Field(description="The active plan, when it is a recovery plan.")


class ObjectiveSummary(BaseModel):
    title: str
    horizon: Horizon
    metric: str | None
    target: Figure | None
    current: Figure | None
    due_date: date | None
    status: ObjectiveStatus
    progress: float | None = Field(description="(current - baseline) / (target - baseline); null without them.")


class OpenPipeline(BaseModel):
    count: int
    amount: MoneyTotal
    weighted_amount: MoneyTotal


class GrowthSection(BaseModel):
    plan: PlanSummary | None = Field(description="The active plan.")
    growth_project: Project | None = Field(description="The active plan, when it is a growth plan.")
    objectives: list[ObjectiveSummary]
    open_pipeline: OpenPipeline
    whitespace: AccountWhitespace = Field(description="Where the account could buy more: its whitespace in brief.")


class CompetitorsSection(BaseModel):
    in_plan: list[Competitor] = Field(description="The active plan's competitors.")
    in_opportunities: list[str] = Field(description="Names met in the account's opportunities.")


class TeamMemberSummary(BaseModel):
    name: str
    team_role: TeamRole


class TeamSection(BaseModel):
    owner: UserSummary | None
    executive_sponsor: UserSummary | None
    members: list[TeamMemberSummary]


class ActionSummary(BaseModel):
    title: str
    due_date: date | None
    status: ActionStatus
    owner_id: uuid.UUID | None


class FollowUp(BaseModel):
    next_contact_at: datetime | None
    next_steps: str | None


class NextStepsSection(BaseModel):
    open_actions: list[ActionSummary] = Field(description="By due date, undated last.")
    next_review_due: date
    follow_ups: list[FollowUp]


class OperatingReport(BaseModel):
    """Seven sections to take into a review meeting (also as Markdown)."""

    account: ReportAccount
    period: dict[str, date] = Field(description='{"from": ..., "to": ...}')
    overall: OverallSection
    maintenance: MaintenanceSection
    churn: ChurnSection
    growth: GrowthSection
    competitors: CompetitorsSection
    team: TeamSection
    next_steps: NextStepsSection


class TierCounts(BaseModel):
    key: int
    mid: int
    small: int
    none: int
    total: int


class ReviewsKept(BaseModel):
    fell_due: int = Field(description="Review due dates in the period (a due date passed with no review included).")
    held_on_time: int = Field(description="Of those, reviews held by their due date.")
    on_time_percent: float | None


class FollowUpsKept(BaseModel):
    promised: int = Field(description="Follow-ups promised for the period (`next_contact_at` in it).")
    kept: int = Field(description="Of those, kept by a later interaction with the account.")
    kept_percent: float | None


class VisitFrequency(BaseModel):
    count: int = Field(description="Interactions in the period.")
    per_account: float
    accounts_with_minimum: int = Field(description="Accounts whose tier policy asks for a minimum of interactions.")
    accounts_meeting_minimum: int = Field(description="Of those, the ones that had it in the period.")
    visit_frequency_met_percent: float | None


class KeyAccountsEngaged(BaseModel):
    key_accounts: int
    engaged: int = Field(description="Key accounts whose decision maker took part in the window (90 days).")
    engaged_percent: float | None


class KeyAccountsPlanned(BaseModel):
    key_accounts: int
    with_active_plan: int
    active_percent: float | None


class AtRiskCounts(BaseModel):
    amber: int
    red: int


class DealsClosed(BaseModel):
    count: int
    amount: MoneyTotal


class TeamPipeline(BaseModel):
    open_weighted: MoneyTotal
    won: DealsClosed
    lost: DealsClosed


class IndicatorScoreRead(BaseModel):
    code: str
    percent: float | None = Field(description="Null when there is nothing to count: it does not count.")
    target_percent: float
    weight: float
    score: float | None = Field(description="The percent's share of its target, at most 100.")


class KamStars(BaseModel):
    stars: int | None = Field(description="1 to 5; null when no indicator applies.")
    weighted_percent: float | None
    indicators: list[IndicatorScoreRead]


class ScorecardRow(BaseModel):
    owner: UserSummary | None = Field(description="Null on the team's row.")
    accounts: TierCounts
    revenue: MoneyTotal = Field(description="The accounts' latest annual revenue.")
    key_revenue_share: Share
    reviews: ReviewsKept
    follow_ups: FollowUpsKept
    interactions: VisitFrequency
    decision_makers: KeyAccountsEngaged
    plans: KeyAccountsPlanned
    health: AtRiskCounts
    pipeline: TeamPipeline
    stars: KamStars


class TeamReport(BaseModel):
    period_from: date
    period_to: date
    rows: list[ScorecardRow] = Field(description="One per owner of live accounts, by name.")
    team: ScorecardRow


class AccountBrief(BaseModel):
    account_id: uuid.UUID
    name: str
    owner_id: uuid.UUID | None
    tier: Tier | None
    computed_tier: Tier | None
    score: Score | None
    reasons: list[str] = Field(description="Why it is a promotion candidate (empty on pending demotions).")


class AccountList(BaseModel):
    count: int = Field(description="How many there are (the list shows the first, by name).")
    items: list[AccountBrief]


class MonthlyPack(BaseModel):
    """Everything the monthly key account analysis looks at, in one document."""

    month: str = Field(description="`YYYY-MM`.")
    period_from: date
    period_to: date = Field(description="The month's last day, or today while it runs.")
    pyramid: PyramidReport
    concentration: ConcentrationReport
    at_risk: AtRiskReport
    reviews_due: ReviewsDueReport
    promotion_candidates: AccountList
    pending_demotions: AccountList
    team: TeamReport
    pipeline: PipelineReport
    whitespace: PortfolioWhitespace = Field(description="The portfolio's whitespace, the five accounts with most.")
    targets: TargetsReport = Field(description="The month's year against its targets (`GET /v1/reports/targets`).")
