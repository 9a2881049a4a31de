"""The programme's figures kept for large portfolios (app/programme/kept.py): the rows of one of its
grouped statements for a year, as the clock last computed them."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, DateTime, Index, Integer, Numeric, Text, func
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UUIDPrimaryKey


class ProgrammeFigures(UUIDPrimaryKey, Base):
    __tablename__ = "programme_figures"

    # Which statement: `year` (per tier and owner), `pipeline` (closing in the year), `criteria_growth`,
    # `criteria_margin` (the ranks behind the criteria's correlations), `won_by_day` (no rows: the
    # moment WonByDay is of).
    name: Mapped[str] = mapped_column(Text, nullable=False)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    # The statement's rows: a list of objects, numbers as text so none is rounded.
    rows: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, nullable=False)
    # The moment the figures are of: when they were computed; for the deals won per day, the midnight
    # before which they count (the rest of the day is read live).
    as_of: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.statement_timestamp()
    )

    __table_args__ = (Index("uq_programme_figures_name_year", "name", "year", unique=True),)


class WonByDay(UUIDPrimaryKey, Base):
    """The deals won on a day (UTC), per owner and the tier of their account then, as the clock last
    kept them (app/programme/kept.py): commission sums a period's days."""

    __tablename__ = "won_by_day"

    day: Mapped[date] = mapped_column(Date, nullable=False)
    owner_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    tier: Mapped[str | None] = mapped_column(Text)
    deals: Mapped[int] = mapped_column(Integer, nullable=False)
    amount: Mapped[Decimal] = mapped_column(Numeric, nullable=False)

    __table_args__ = (Index("ix_won_by_day_day", "day"),)
