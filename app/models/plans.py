"""Account plans with their SMART objectives and the actions that reach them."""

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Numeric, String, Text, func, text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.glossary import ACTION_STATUSES, HORIZONS, OBJECTIVE_STATUSES, PLAN_KINDS, PLAN_STATUSES
from app.models.base import UNDATED, Base, Timestamps, UUIDPrimaryKey, Versioned, in_check


class Plan(UUIDPrimaryKey, Timestamps, Versioned, Base):
    __tablename__ = "plans"

    account_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("accounts.id"), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    period_start: Mapped[date] = mapped_column(Date, nullable=False)
    period_end: Mapped[date] = mapped_column(Date, nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False)
    kind: Mapped[str] = mapped_column(String(10), nullable=False, server_default=text("'standard'"))
    business: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False, server_default=text("'{}'::jsonb"))
    swot: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False, server_default=text("'{}'::jsonb"))
    competitors: Mapped[list[Any]] = mapped_column(JSONB, nullable=False, server_default=text("'[]'::jsonb"))

    __table_args__ = (
        CheckConstraint(in_check("status", PLAN_STATUSES), name="status"),
        CheckConstraint(in_check("kind", PLAN_KINDS), name="kind"),
        CheckConstraint("period_end >= period_start", name="period_in_order"),
        # One active plan per account, whatever races between two activations.
        Index("uq_plans_one_active_per_account", "account_id", unique=True, postgresql_where=text("status = 'active'")),
        Index("ix_plans_account_id", "account_id", "created_at", "id"),
        Index("ix_plans_status", "status"),
        Index("ix_plans_kind", "kind"),
        Index("ix_plans_created_at_id", "created_at", "id"),
        Index("ix_plans_updated_at_id", "updated_at", "id"),
        Index("ix_plans_period_start_id", "period_start", "id"),
    )


class Objective(UUIDPrimaryKey, Timestamps, Versioned, Base):
    __tablename__ = "objectives"

    # The account is repeated from the plan so every row can be scoped (and distributed) by account.
    account_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("accounts.id"), nullable=False)
    plan_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("plans.id", ondelete="CASCADE"), nullable=False
    )
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    horizon: Mapped[str] = mapped_column(String(10), nullable=False)
    owner_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), ForeignKey("users.id"))
    metric: Mapped[str | None] = mapped_column(String(300))
    baseline: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    target: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    current: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    due_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), nullable=False)

    __table_args__ = (
        CheckConstraint(in_check("horizon", HORIZONS), name="horizon"),
        CheckConstraint(in_check("status", OBJECTIVE_STATUSES), name="status"),
        Index("ix_objectives_plan_id", "plan_id", "created_at", "id"),
        Index("ix_objectives_plan_id_updated_at", "plan_id", "updated_at", "id"),
        Index("ix_objectives_owner_id", "owner_id"),
        Index("ix_objectives_account_id", "account_id"),
    )


class Action(UUIDPrimaryKey, Timestamps, Versioned, Base):
    __tablename__ = "actions"

    # The account is repeated from the plan so every row can be scoped (and distributed) by account.
    account_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("accounts.id"), nullable=False)
    plan_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("plans.id", ondelete="CASCADE"), nullable=False
    )
    objective_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("objectives.id"), nullable=False)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    owner_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), ForeignKey("users.id"))
    due_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), nullable=False)
    notes: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        CheckConstraint(in_check("status", ACTION_STATUSES), name="status"),
        Index("ix_actions_plan_id", "plan_id", "created_at", "id"),
        Index("ix_actions_plan_id_due_date", "plan_id", func.coalesce(text("due_date"), UNDATED), "id"),
        Index("ix_actions_plan_id_updated_at", "plan_id", "updated_at", "id"),
        Index("ix_actions_objective_id", "objective_id"),
        Index("ix_actions_owner_id", "owner_id"),
        Index("ix_actions_account_id_due_date", "account_id", "due_date"),
    )
