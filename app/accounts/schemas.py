"""Request and response bodies for accounts and their tier decisions."""

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    StrictInt,
    model_serializer,
)
from pydantic.json_schema import SkipJsonSchema

from app.glossary import AccountStatus, Cadence, HealthStatus, Severity, SignalCode, Tier, TierChangeKind, TierDecision
from app.plumbing.batch import ITEMS, RefusedItem, leniently
from app.plumbing.dates import Timestamp
from app.plumbing.metadata import Metadata, MetadataChanges, MetadataFilter, MetadataRead, WithMetadata
from app.plumbing.pagination import ListQuery
from app.plumbing.schemas import Money, ReadModel, WriteModel, omittable, text
from app.rules.document import CriterionKey, Measure
from app.users.schemas import UserSummary

CriterionValue = Annotated[StrictInt, Field(ge=1, le=10)]
Score = Measure

Name = Annotated[str, text(200, min_length=1)]
ExternalId = Annotated[str, text(200, min_length=1)]
ShortText = Annotated[str, text(100)]
Website = Annotated[str, text(500)]
Notes = Annotated[str, text(10000)]
Reason = Annotated[str, text(2000, min_length=1)]
EmployeeCount = Annotated[int, Field(ge=0, le=100_000_000)]


class AccountCreate(WriteModel):
    name: Name
    external_id: ExternalId | None = None
    industry: ShortText | None = None
    region: ShortText | None = None
    employee_count: EmployeeCount | None = None
    website: Website | None = None
    parent_id: uuid.UUID | None = None
    owner_id: uuid.UUID | None = Field(default=None, description="The KAM; a kam creating an account owns it.")
    executive_sponsor_id: uuid.UUID | None = None
    status: AccountStatus = "active"
    scores: dict[CriterionKey, CriterionValue] = Field(
        default_factory=dict, description="Criterion key to a whole number from 1 to 10."
    )
    notes: Notes | None = None
    metadata: Metadata = Field(default_factory=dict)


class AccountUpsert(AccountCreate):
    """One account of a batch upsert: created, or replaced as ``PUT /v1/accounts/by-external-id``
    replaces it (the owner and the metadata change only when the item names them)."""

    external_id: ExternalId


class AccountBatchUpsert(BaseModel):
    # Not a WriteModel: a NUL or an unknown field inside one item fails that item, not the batch.
    model_config = ConfigDict(extra="forbid")

    items: list[Annotated[AccountUpsert | SkipJsonSchema[RefusedItem], leniently(AccountUpsert)]] = ITEMS


class AccountUpdate(WriteModel):
    """PATCH: only the fields sent change. ``scores`` merges: a criterion set to null is removed."""

    name: Name = omittable()
    external_id: ExternalId | None = None
    industry: ShortText | None = None
    region: ShortText | None = None
    employee_count: EmployeeCount | None = None
    website: Website | None = None
    parent_id: uuid.UUID | None = None
    owner_id: uuid.UUID | None = Field(default=None, description="Managers and admins only.")
    executive_sponsor_id: uuid.UUID | None = None
    status: AccountStatus = omittable()
    scores: dict[CriterionKey, CriterionValue | None] | None = None
    notes: Notes | None = None
    metadata: MetadataChanges = omittable()


class CadenceAdjustmentRead(ReadModel):
    code: str = Field(description="large_team, high_value, health_amber or health_red")
    steps: int = Field(description="How many steps more frequent this factor makes the cadence.")
    reason: str


class CadenceRead(ReadModel):
    name: Cadence
    days: int
    base: Cadence = Field(description="The cadence the tier gives before adjustments.")
    adjustments: list[CadenceAdjustmentRead]


class SignalFigures(ReadModel):
    """The numbers behind a signal. Each signal gives its own; the others are left out."""

    days_since_interaction: int | None = Field(default=None, description="no_recent_interaction")
    amber_after_days: int | None = Field(default=None, description="no_recent_interaction")
    red_after_days: int | None = Field(default=None, description="no_recent_interaction")
    window_days: int | None = Field(
        default=None, description="no_decision_maker_engaged, key_contact_left, below_visit_frequency"
    )
    last_engaged_at: datetime | None = Field(default=None, description="no_decision_maker_engaged")
    period: str | None = Field(default=None, description="revenue_decline: the latest period")
    previous_period: str | None = Field(default=None, description="revenue_decline")
    change_percent: float | None = Field(default=None, description="revenue_decline")
    revenue: Money | None = Field(default=None, description="revenue_decline")
    previous_revenue: Money | None = Field(default=None, description="revenue_decline")
    values_oldest_first: list[float] | None = Field(default=None, description="engagement_declining")
    score: float | None = Field(default=None, description="low_improvement_score")
    below: float | None = Field(default=None, description="low_improvement_score")
    left_at: datetime | None = Field(default=None, description="key_contact_left")
    due_at: datetime | None = Field(default=None, description="follow_up_overdue: when the follow-up was due")
    days_late: int | None = Field(default=None, description="follow_up_overdue")
    grace_days: int | None = Field(default=None, description="follow_up_overdue")
    interactions: int | None = Field(default=None, description="below_visit_frequency: in the window")
    minimum: int | None = Field(default=None, description="below_visit_frequency: the tier policy's minimum")

    @model_serializer(mode="wrap")
    def _only_given(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return {key: value for key, value in handler(self).items() if value is not None}


class SignalRead(ReadModel):
    code: SignalCode
    severity: Severity
    message: str
    figures: SignalFigures = Field(description="The numbers behind the signal (days, percent, ...).")


class HealthRead(ReadModel):
    status: HealthStatus
    signals: list[SignalRead]
    onboarding_until: datetime | None = Field(
        description="While set, the account is new (or new to its tier): the coverage signals "
        "(no_decision_maker_engaged, no_champion, no_active_plan, below_visit_frequency) do not count yet."
    )


class AccountRead(WithMetadata, ReadModel):
    id: uuid.UUID
    version: int
    name: str
    external_id: str | None
    industry: str | None
    region: str | None
    employee_count: int | None
    website: str | None
    parent_id: uuid.UUID | None
    owner_id: uuid.UUID | None
    owner: UserSummary | None
    executive_sponsor_id: uuid.UUID | None
    executive_sponsor: UserSummary | None
    team_size: int
    last_interaction_at: datetime | None
    last_review_at: datetime | None = Field(description="The latest internal review; it restarts the cadence clock.")
    latest_annual_revenue: Money | None = Field(description="Revenue of the latest year on record.")
    margin: float | None = Field(description="(revenue - cost to serve) / revenue of that year.")
    service_revenue_share: float | None = Field(
        description="The part of that year's revenue that came from services, 0 to 1 (4 places)."
    )
    status: AccountStatus
    scores: dict[str, int]
    notes: str | None
    metadata: MetadataRead
    created_at: datetime
    updated_at: datetime
    archived_at: datetime | None

    score: Score | None = Field(description="Weighted score 10.0 to 100.0; null while a criterion is missing.")
    missing_criteria: list[str]
    computed_tier: Tier | None
    tier: Tier | None
    tier_pending_review: bool = Field(description="The computed tier is lower and awaits a manager's decision.")
    tier_assigned_at: datetime | None
    rules_version: int = Field(
        description="The rules version the stored score and tiers were computed with; after a rules change, "
        "the newest once the re-evaluation job reached this account."
    )
    health: HealthRead
    promotion_candidate: bool = Field(description="A mid or small account growing fast, or computed above its tier.")
    promotion_reasons: list[str]
    cadence: CadenceRead
    next_review_due: date
    review_overdue: bool
    judged_at: datetime | None = Field(
        description="When the computed view (health and signals, review due or overdue, promotion candidacy) "
        "last changed; null until first judged. Judged as a write commits: a write's own answer shows it as "
        "before that write."
    )


class TierDecisionCreate(WriteModel):
    decision: TierDecision = Field(
        description="demote to the computed tier, keep the current tier, or set a tier by hand"
    )
    tier: Tier | None = Field(default=None, description="Required for set; must be absent otherwise.")
    reason: Reason


class TierChangeRead(ReadModel):
    id: uuid.UUID
    account_id: uuid.UUID
    kind: TierChangeKind
    from_tier: Tier | None
    to_tier: Tier | None
    computed_tier: Tier | None
    score: Score | None
    reason: str | None
    decided_by: uuid.UUID | None
    created_at: datetime


AccountSort = Literal["name", "-name", "score", "-score", "created_at", "-created_at", "updated_at", "-updated_at"]


class AccountListQuery(ListQuery, MetadataFilter):
    """Filters of ``GET /v1/accounts``; an unknown parameter is refused rather than ignored."""

    tier: Tier | None = None
    computed_tier: Tier | None = None
    status: AccountStatus | None = None
    owner_id: uuid.UUID | None = None
    industry: ShortText | None = None
    region: ShortText | None = None
    parent_id: uuid.UUID | None = None
    external_id: Annotated[str, text(200, min_length=1)] | None = Field(
        default=None, description="The record a CRM knows by this key."
    )
    q: Annotated[str, text(200, min_length=1)] | None = Field(
        default=None, description="Name contains, case-insensitive."
    )
    updated_since: Timestamp | None = Field(default=None, description="Changed at or after this time.")
    archived: bool = Field(default=False, description="List archived accounts instead of live ones.")
    health: HealthStatus | None = None
    signal: SignalCode | None = Field(default=None, description="Accounts showing this early-warning signal.")
    promotion_candidate: bool | None = None
    review_overdue: bool | None = None
    judged_since: Timestamp | None = Field(
        default=None, description="Accounts whose computed view changed at or after this time (see `judged_at`)."
    )
    sort: AccountSort = "name"
