"""The cells of an account's whitespace map a KAM set aside (not eligible, with the reason), and the
peers' figures kept for large tiers (app/whitespace/kept.py)."""

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, Numeric, Text, func
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, Timestamps, UUIDPrimaryKey, Versioned


class WhitespaceExclusion(UUIDPrimaryKey, Timestamps, Versioned, Base):
    __tablename__ = "whitespace_exclusions"

    account_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False
    )
    # The map's row: the account itself (its own id), one of its buying centers, or a subsidiary.
    row_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)
    offering_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("offerings.id"), nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    decided_by: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), ForeignKey("users.id"))

    __table_args__ = (Index("uq_whitespace_exclusions_cell", "account_id", "row_id", "offering_id", unique=True),)


class PeerBenchmark(UUIDPrimaryKey, Base):
    """One group of peers in a year (a tier, or an industry within it) and what its buyers of an
    offering spend. A group none of whose accounts bought anything has one row without an offering."""

    __tablename__ = "peer_benchmarks"

    year: Mapped[int] = mapped_column(Integer, nullable=False)
    tier: Mapped[str] = mapped_column(Text, nullable=False)
    whole_tier: Mapped[bool] = mapped_column(Boolean, nullable=False)
    industry: Mapped[str | None] = mapped_column(Text)
    peers: Mapped[int] = mapped_column(Integer, nullable=False)
    offering_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("offerings.id", ondelete="CASCADE")
    )
    buyers: Mapped[int | None] = mapped_column(Integer)
    median_spent: Mapped[Decimal | None] = mapped_column(Numeric)
    median_size: Mapped[Decimal | None] = mapped_column(Numeric)
    computed_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.statement_timestamp()
    )

    __table_args__ = (Index("ix_peer_benchmarks_year_tier", "year", "tier"),)


class WhitespacePenetration(UUIDPrimaryKey, Base):
    """Per owner, tier and industry, per offering and cell status: how many live accounts, what they
    spent on it in the year and how many are key accounts. The row without offering or status counts
    the accounts of the group."""

    __tablename__ = "whitespace_penetration"

    year: Mapped[int] = mapped_column(Integer, nullable=False)
    owner_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"))
    tier: Mapped[str | None] = mapped_column(Text)
    industry: Mapped[str | None] = mapped_column(Text)
    offering_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("offerings.id", ondelete="CASCADE")
    )
    status: Mapped[str | None] = mapped_column(Text)
    accounts: Mapped[int] = mapped_column(Integer, nullable=False)
    revenue: Mapped[Decimal] = mapped_column(Numeric, nullable=False)
    key_accounts: Mapped[int] = mapped_column(Integer, nullable=False)
    computed_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.statement_timestamp()
    )

    __table_args__ = (Index("ix_whitespace_penetration_year", "year"),)
