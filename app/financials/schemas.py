"""Request and response bodies for financials."""

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import Path
from pydantic import Field, ValidationInfo, field_validator

from app.plumbing.dates import Timestamp
from app.plumbing.pagination import ListQuery
from app.plumbing.schemas import Money, ReadModel, WriteModel

# Years 1900 to 2199: the range of every date the service takes (app/plumbing/dates.py).
PERIOD_PATTERN = r"^(19|20|21)[0-9]{2}(-Q[1-4])?$"
Period = Annotated[
    str, Path(pattern=PERIOD_PATTERN, description="A year (`2026`) or a quarter (`2026-Q3`), from 1900 to 2199.")
]


class FinancialListQuery(ListQuery):
    updated_since: Timestamp | None = Field(default=None, description="Changed at or after this time.")
    sort: Literal["period", "-period", "updated_at", "-updated_at"] = Field(
        default="period", description="Periods in time order (`2025`, `2025-Q1`, ... `2026`), or by last change."
    )


class RevenueLineWrite(WriteModel):
    offering_id: uuid.UUID = Field(description="What was sold: an offering of the catalog.")
    buying_center_id: uuid.UUID | None = Field(
        default=None, description="Which of the account's buying centers bought it, when known."
    )
    revenue: Money
    service_revenue: Money | None = Field(default=None, description="The part of this line from services.")

    @field_validator("service_revenue")
    @classmethod
    def _within_line(cls, value: Decimal | None, info: ValidationInfo) -> Decimal | None:
        revenue = info.data.get("revenue")
        if value is not None and revenue is not None and value > revenue:
            raise ValueError(
                f"service_revenue ({value}) is part of the line's revenue ({revenue}) and cannot exceed it"
            )
        return value


class RevenueLineRead(ReadModel):
    offering_id: uuid.UUID
    buying_center_id: uuid.UUID | None
    revenue: Money
    service_revenue: Money | None


class FinancialWrite(WriteModel):
    revenue: Money
    cost_to_serve: Money | None = None
    service_revenue: Money | None = Field(
        default=None, description="The part of `revenue` that came from services: 0 up to `revenue`."
    )
    lines: list[RevenueLineWrite] | None = Field(
        default=None,
        max_length=1000,
        description="What the revenue came from, per offering and buying center: replaces the period's lines "
        "when given, keeps them when left out. They never sum above `revenue`; the rest is unassigned.",
    )

    @field_validator("service_revenue")
    @classmethod
    def _within_revenue(cls, value: Decimal | None, info: ValidationInfo) -> Decimal | None:
        revenue = info.data.get("revenue")
        if value is not None and revenue is not None and value > revenue:
            raise ValueError(f"service_revenue ({value}) is part of revenue ({revenue}) and cannot exceed it")
        return value


class FinancialRead(ReadModel):
    account_id: uuid.UUID
    period: str
    year: int
    quarter: int | None
    revenue: Money
    cost_to_serve: Money | None
    margin: float | None = Field(description="(revenue - cost_to_serve) / revenue, 4 places; null without both.")
    service_revenue: Money | None
    service_share: float | None = Field(description="service_revenue / revenue, 4 places; null without both.")
    lines: list[RevenueLineRead] = Field(description="What the revenue came from, by offering and buying center.")
    unassigned_revenue: Money = Field(description="The revenue no line accounts for.")
    version: int
    created_at: datetime
    updated_at: datetime
