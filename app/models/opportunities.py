"""Opportunities: potential deals moving through the pipeline."""

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, Numeric, String, Text, func, text
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.glossary import OPPORTUNITY_TYPES, STAGES
from app.models.base import UNDATED, Base, Timestamps, UUIDPrimaryKey, Versioned, WithMetadata, in_check, metadata_index


class Opportunity(UUIDPrimaryKey, Timestamps, Versioned, WithMetadata, Base):
    __tablename__ = "opportunities"

    account_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("accounts.id"), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    type: Mapped[str] = mapped_column(String(20), nullable=False)
    stage: Mapped[str] = mapped_column(String(20), nullable=False)
    amount: Mapped[Decimal] = mapped_column(Numeric(18, 2), nullable=False)
    # Set by hand; null means the stage's default probability.
    probability: Mapped[int | None] = mapped_column(Integer)
    expected_close_date: Mapped[date | None] = mapped_column(Date)
    owner_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), ForeignKey("users.id"))
    competitors: Mapped[list[str]] = mapped_column(
        ARRAY(String(200)), nullable=False, server_default=text("'{}'::varchar[]")
    )
    next_step: Mapped[str | None] = mapped_column(Text)
    loss_reason: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    external_id: Mapped[str | None] = mapped_column(String(200))
    # What it would sell, and to which of the account's buying centers (the whitespace map's cells).
    offering_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), ForeignKey("offerings.id"))
    buying_center_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), ForeignKey("buying_centers.id"))
    # Terms agreed, checked against the account's tier policy.
    discount_percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    payment_terms_days: Mapped[int | None] = mapped_column(Integer)
    # A manager's approval of terms beyond the policy: who, when, why, and the terms approved (more
    # generous terms later need a new approval).
    exceptions_approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    exceptions_approved_by: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), ForeignKey("users.id"))
    exceptions_approval_reason: Mapped[str | None] = mapped_column(Text)
    approved_discount_percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    approved_payment_terms_days: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (
        CheckConstraint(in_check("type", OPPORTUNITY_TYPES), name="type"),
        CheckConstraint(in_check("stage", STAGES), name="stage"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        CheckConstraint("probability BETWEEN 0 AND 100", name="probability_percent"),
        CheckConstraint("stage <> 'closed_lost' OR loss_reason IS NOT NULL", name="lost_has_reason"),
        CheckConstraint("discount_percent BETWEEN 0 AND 100", name="discount_percent"),
        CheckConstraint("payment_terms_days BETWEEN 0 AND 365", name="payment_terms_days"),
        Index(
            "uq_opportunities_external_id", "external_id", unique=True, postgresql_where=text("external_id IS NOT NULL")
        ),
        Index("ix_opportunities_account_id", "account_id", "created_at", "id"),
        Index("ix_opportunities_stage", "stage"),
        Index("ix_opportunities_type", "type"),
        Index("ix_opportunities_owner_id", "owner_id"),
        Index("ix_opportunities_offering_id_account_id", "offering_id", "account_id"),
        Index("ix_opportunities_buying_center_id", "buying_center_id"),
        Index("ix_opportunities_expected_close_date_id", func.coalesce(text("expected_close_date"), UNDATED), "id"),
        Index("ix_opportunities_name_id", "name", "id"),
        metadata_index("opportunities"),
        Index("ix_opportunities_amount_id", "amount", "id"),
        Index("ix_opportunities_created_at_id", "created_at", "id"),
        Index("ix_opportunities_updated_at_id", "updated_at", "id"),
        Index("ix_opportunities_closed_at", "closed_at"),
    )
