"""Request and response bodies for plans, objectives and actions."""

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field

from app.glossary import ActionStatus, Horizon, ObjectiveStatus, PlanKind, PlanStatus
from app.plumbing.dates import Day, Timestamp
from app.plumbing.pagination import ListQuery
from app.plumbing.schemas import ReadModel, WriteModel, omittable, text
from app.rules.document import Measure

Title = Annotated[str, text(300, min_length=1)]
Item = Annotated[str, text(1000, min_length=1)]
Text = Annotated[str, text(10000)]
Items = Annotated[list[Item], Field(default_factory=list, max_length=50)]
Figure = Annotated[Measure, Field(max_digits=15, decimal_places=2, allow_inf_nan=False)]


class Business(WriteModel):
    """What the customer is trying to do, and with what means."""

    goals: Items
    financial_situation: Text | None = None
    current_initiatives: Items


class Swot(WriteModel):
    strengths: Items
    weaknesses: Items
    opportunities: Items
    threats: Items


class Competitor(WriteModel):
    name: Annotated[str, text(200, min_length=1)]
    position: Text | None = Field(default=None, description="Their place in the account: share, products.")
    strengths: Items
    weaknesses: Items
    relationship_with_customer: Text | None = None


class PlanCreate(WriteModel):
    account_id: uuid.UUID
    name: Annotated[str, text(200, min_length=1)]
    period_start: Day
    period_end: Day
    kind: PlanKind = Field(
        default="standard",
        description="`growth`: mining a promising account; `recovery`: reversing a shrinking one (an active "
        "recovery plan answers a red revenue decline, see the `no_recovery_plan` signal).",
    )
    business: Business = Field(default_factory=lambda: Business.model_validate({}))
    swot: Swot = Field(default_factory=lambda: Swot.model_validate({}))
    competitors: list[Competitor] = Field(default_factory=list, max_length=50)


class PlanUpdate(WriteModel):
    name: Annotated[str, text(200, min_length=1)] = omittable()
    period_start: Day = omittable()
    period_end: Day = omittable()
    kind: PlanKind = omittable()
    business: Business = omittable()
    swot: Swot = omittable()
    competitors: list[Competitor] = omittable(max_length=50)
    status: Literal["archived"] = omittable(description="Retire the plan; activate with /activate.")


class ObjectiveCreate(WriteModel):
    title: Title
    horizon: Horizon
    owner_id: uuid.UUID | None = None
    metric: Title | None = None
    baseline: Figure | None = None
    target: Figure | None = None
    current: Figure | None = None
    due_date: Day | None = None
    status: ObjectiveStatus = "open"


class ObjectiveUpdate(WriteModel):
    title: Title = omittable()
    horizon: Horizon = omittable()
    owner_id: uuid.UUID | None = None
    metric: Title | None = None
    baseline: Figure | None = None
    target: Figure | None = None
    current: Figure | None = None
    due_date: Day | None = None
    status: ObjectiveStatus = omittable()


class ActionCreate(WriteModel):
    objective_id: uuid.UUID = Field(description="An objective of the same plan.")
    title: Title
    owner_id: uuid.UUID | None = None
    due_date: Day | None = None
    status: ActionStatus = "open"
    notes: Text | None = None


class ActionUpdate(WriteModel):
    objective_id: uuid.UUID = omittable()
    title: Title = omittable()
    owner_id: uuid.UUID | None = None
    due_date: Day | None = None
    status: ActionStatus = omittable()
    notes: Text | None = None


class Progress(ReadModel):
    actions_done: int
    actions_total: int
    value_progress: float | None = Field(description="(current - baseline) / (target - baseline); 1 is the target.")


class ActionRead(ReadModel):
    id: uuid.UUID
    version: int
    plan_id: uuid.UUID
    objective_id: uuid.UUID
    title: str
    owner_id: uuid.UUID | None
    due_date: date | None
    status: ActionStatus
    notes: str | None
    created_at: datetime
    updated_at: datetime


class ObjectiveRead(ReadModel):
    id: uuid.UUID
    version: int
    plan_id: uuid.UUID
    title: str
    horizon: Horizon
    owner_id: uuid.UUID | None
    metric: str | None
    baseline: Figure | None
    target: Figure | None
    current: Figure | None
    due_date: date | None
    status: ObjectiveStatus
    created_at: datetime
    updated_at: datetime


class ObjectiveWithProgress(ObjectiveRead):
    progress: Progress


class PlanRead(ReadModel):
    id: uuid.UUID
    version: int
    account_id: uuid.UUID
    name: str
    period_start: date
    period_end: date
    status: PlanStatus
    kind: PlanKind
    business: Business
    swot: Swot
    competitors: list[Competitor]
    created_at: datetime
    updated_at: datetime


class PlanDetail(PlanRead):
    objectives: list[ObjectiveWithProgress]
    actions: list[ActionRead]


PlanSort = Literal["period_start", "-period_start", "created_at", "-created_at", "updated_at", "-updated_at"]


class PlanListQuery(ListQuery):
    account_id: uuid.UUID | None = None
    status: PlanStatus | None = None
    kind: PlanKind | None = None
    updated_since: Timestamp | None = None
    sort: PlanSort = "-period_start"


class ObjectiveListQuery(ListQuery):
    updated_since: Timestamp | None = Field(default=None, description="Changed at or after this time.")
    sort: Literal["created_at", "-created_at", "updated_at", "-updated_at"] = Field(
        default="created_at", description="In the order they were set, or by last change."
    )


class ActionListQuery(ListQuery):
    updated_since: Timestamp | None = Field(default=None, description="Changed at or after this time.")
    sort: Literal["due_date", "-due_date", "updated_at", "-updated_at"] = Field(
        default="due_date", description="By due date (undated last), or by last change."
    )
