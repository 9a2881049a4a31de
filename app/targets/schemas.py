"""Request and response bodies of a year's targets."""

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import Path
from pydantic import Field

from app.plumbing.schemas import Money, ReadModel, WriteModel
from app.rules.document import Number

Year = Annotated[int, Path(ge=1900, le=2199, description="The calendar year the targets are for.")]


class OwnerTarget(WriteModel):
    owner_id: uuid.UUID = Field(description="A user who owns accounts.")
    revenue: Money = Field(description="The revenue the owner's accounts should bring in the year.")


class TargetWrite(WriteModel):
    key_accounts: int | None = Field(default=None, ge=0, le=10_000_000, description="How many key accounts.")
    key_revenue_share_percent: Number | None = Field(
        default=None, ge=0, le=100, max_digits=5, decimal_places=2, description="Key accounts' share of revenue."
    )
    key_revenue_growth_percent: Number | None = Field(
        default=None,
        ge=-100,
        le=1000,
        max_digits=6,
        decimal_places=2,
        description="Key-account revenue growth over the previous year.",
    )
    owners: list[OwnerTarget] = Field(
        default_factory=list, max_length=10_000, description="The revenue target per owner, each owner once."
    )


class OwnerTargetRead(ReadModel):
    owner_id: uuid.UUID
    revenue: Money


class TargetRead(ReadModel):
    year: int
    key_accounts: int | None
    key_revenue_share_percent: Number | None
    key_revenue_growth_percent: Number | None
    owners: list[OwnerTargetRead]
    version: int
    updated_at: datetime
