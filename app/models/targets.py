"""A year's key-account targets: how many key accounts, their share of revenue, their revenue growth
over the year before, and the company's revenue target broken down per owner."""

from decimal import Decimal
from typing import Any

from sqlalchemy import Index, Integer, Numeric, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, Timestamps, UUIDPrimaryKey, Versioned


class Target(UUIDPrimaryKey, Timestamps, Versioned, Base):
    __tablename__ = "targets"

    year: Mapped[int] = mapped_column(Integer, nullable=False)
    key_accounts: Mapped[int | None] = mapped_column(Integer)
    key_revenue_share_percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    key_revenue_growth_percent: Mapped[Decimal | None] = mapped_column(Numeric(7, 2))
    # [{"owner_id": "...", "revenue": "1250000.00"}]: one record with the year's figures, so a change
    # of the breakdown is one audited change of the targets.
    owners: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, nullable=False, server_default=text("'[]'::jsonb"))

    __table_args__ = (Index("uq_targets_year", "year", unique=True),)
