"""Revenue and cost to serve per period, and dated measurements of engagement, loyalty, improvement."""

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, Numeric, String
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.glossary import MEASUREMENT_KINDS
from app.models.base import Base, Timestamps, UUIDPrimaryKey, Versioned, in_check


class Financial(UUIDPrimaryKey, Timestamps, Versioned, Base):
    __tablename__ = "financials"

    account_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("accounts.id"), nullable=False)
    period: Mapped[str] = mapped_column(String(7), nullable=False)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    # Null for a whole year, 1 to 4 for a quarter.
    quarter: Mapped[int | None] = mapped_column(Integer)
    revenue: Mapped[Decimal] = mapped_column(Numeric(18, 2), nullable=False)
    cost_to_serve: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    # The part of revenue that came from services (the value strategy raises its share).
    service_revenue: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))

    __table_args__ = (
        CheckConstraint("period ~ '^[0-9]{4}(-Q[1-4])?$'", name="period_format"),
        CheckConstraint("quarter BETWEEN 1 AND 4", name="quarter_range"),
        CheckConstraint("revenue >= 0 AND cost_to_serve >= 0", name="not_negative"),
        CheckConstraint("service_revenue BETWEEN 0 AND revenue", name="service_within_revenue"),
        Index("uq_financials_account_id_period", "account_id", "period", unique=True),
        Index("ix_financials_account_id_year", "account_id", "year", "quarter"),
        Index("ix_financials_account_id_updated_at", "account_id", "updated_at", "id"),
    )


class RevenueLine(UUIDPrimaryKey, Base):
    """What a period's revenue came from: an offering, and the buying center that bought it when known.
    Written whole with its period; the lines never sum above the period's revenue (the rest is
    unassigned)."""

    __tablename__ = "revenue_lines"
    __mapper_args__ = {"eager_defaults": True}

    financial_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("financials.id", ondelete="CASCADE"), nullable=False
    )
    # The period's account, kept on the line so the whitespace reads an account's lines by index.
    account_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("accounts.id"), nullable=False)
    offering_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("offerings.id"), nullable=False)
    buying_center_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), ForeignKey("buying_centers.id"))
    revenue: Mapped[Decimal] = mapped_column(Numeric(18, 2), nullable=False)
    service_revenue: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))

    __table_args__ = (
        CheckConstraint("revenue >= 0", name="not_negative"),
        CheckConstraint("service_revenue BETWEEN 0 AND revenue", name="service_within_revenue"),
        Index("ix_revenue_lines_financial_id", "financial_id"),
        Index("ix_revenue_lines_account_id_offering_id", "account_id", "offering_id"),
        Index("ix_revenue_lines_offering_id_account_id", "offering_id", "account_id"),
        Index("ix_revenue_lines_buying_center_id", "buying_center_id"),
    )


class Measurement(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "measurements"
    __mapper_args__ = {"eager_defaults": True}

    account_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("accounts.id"), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    value: Mapped[Decimal] = mapped_column(Numeric(3, 1), nullable=False)
    measured_at: Mapped[date] = mapped_column(Date, nullable=False)

    __table_args__ = (
        CheckConstraint(in_check("kind", MEASUREMENT_KINDS), name="kind"),
        CheckConstraint("value BETWEEN 0 AND 10", name="value_range"),
        Index("ix_measurements_account_id_kind_measured_at", "account_id", "kind", "measured_at", "id"),
        Index("ix_measurements_account_id_measured_at", "account_id", "measured_at", "id"),
        Index("ix_measurements_account_id_updated_at", "account_id", "updated_at", "id"),
    )
