"""Response and request bodies of the whitespace map."""

import uuid
from typing import Annotated, Literal

from pydantic import Field, StrictBool, model_validator

from app.glossary import WhitespaceRowKind, WhitespaceStatus
from app.plumbing.schemas import Money, ReadModel, WriteModel, text


class WhitespaceOffering(ReadModel):
    id: uuid.UUID
    code: str
    name: str
    family: str | None


class PipelineRead(ReadModel):
    count: int
    weighted_amount: Money = Field(description="Sum of amount x probability / 100 of its open opportunities.")


class EstimateRead(ReadModel):
    amount: Money = Field(description="What the row could buy of the offering a year, by what its peers buy.")
    peers: int = Field(description="The peer accounts asked.")
    buyers: int = Field(description="How many of them buy the offering.")
    median_spent: Money = Field(description="The median those buyers spent on it in the year.")
    basis: Literal["industry_and_tier", "tier"] = Field(
        description="Peers of the same industry and tier, or of the tier alone when those were too few."
    )
    why: str = Field(description="The estimate in a sentence.")


class CellRead(ReadModel):
    offering_id: uuid.UUID
    status: WhitespaceStatus
    owned_amount: Money | None = Field(description="What the row spent on it in the year; null unless owned.")
    pipeline: PipelineRead | None = Field(description="Its open opportunities; null when it has none.")
    not_eligible_reason: str | None = Field(description="Why the KAM set the cell aside; null unless not eligible.")
    estimate: EstimateRead | None = Field(
        description="For a gap of the account as a whole or of a subsidiary, when enough peers buy it."
    )


class RowRead(ReadModel):
    id: uuid.UUID = Field(description="The account's id, a buying center's, or a subsidiary's (an account).")
    kind: WhitespaceRowKind
    name: str
    cells: list[CellRead] = Field(description="One per active offering, in the order of `offerings`.")


class WhitespaceMap(ReadModel):
    account_id: uuid.UUID
    year: int = Field(description="The latest complete year, whose revenue lines say what is owned.")
    offerings: list[WhitespaceOffering] = Field(description="The active offerings: the map's columns.")
    rows: list[RowRead] = Field(description="The account as a whole, its buying centers, then its subsidiaries.")
    coverage: float | None = Field(description="Owned cells over eligible cells, 4 places; null without any.")
    whitespace_value: Money = Field(description="The sum of the estimates of the gaps.")


class OfferingPenetration(ReadModel):
    offering: WhitespaceOffering
    owning: int = Field(description="Accounts that bought it in the year.")
    pipeline: int = Field(description="Accounts that did not, with an open opportunity for it.")
    not_eligible: int = Field(description="Accounts whose KAM set it aside.")
    gaps: int = Field(description="The other accounts.")
    revenue: Money = Field(description="What the owning accounts spent on it in the year.")
    key_penetration: float | None = Field(
        description="Key accounts owning it over key accounts, 4 places; null without key accounts."
    )


class GrowthRead(ReadModel):
    account_id: uuid.UUID
    account_name: str
    tier: str | None
    whitespace_value: Money = Field(description="The sum of the account's estimated gaps.")
    largest_gap: WhitespaceOffering
    largest_gap_estimate: Money
    why: str


class PortfolioWhitespace(ReadModel):
    year: int = Field(description="The latest complete year.")
    accounts: int = Field(description="Accounts in the report (the caller's, filtered).")
    key_accounts: int
    offerings: list[OfferingPenetration]
    largest_whitespace: list[GrowthRead] = Field(
        description="The accounts with the largest whitespace value; each gap has no open opportunity."
    )


class GapSummary(ReadModel):
    offering: WhitespaceOffering
    estimate: Money
    why: str


class AccountWhitespace(ReadModel):
    """The account's whitespace in brief, for its operating report."""

    coverage: float | None = Field(description="Owned cells over eligible cells, 4 places; null without any.")
    whitespace_value: Money
    largest_gaps: list[GapSummary] = Field(description="The account's three largest estimated gaps.")


class CellDecision(WriteModel):
    not_eligible: StrictBool = Field(description="true sets the cell aside; false makes it count again.")
    reason: Annotated[str, text(2000, min_length=1)] | None = Field(
        default=None, description="Why the row cannot buy the offering; required to set a cell aside."
    )

    @model_validator(mode="after")
    def _reason_when_set_aside(self) -> "CellDecision":
        if self.not_eligible and self.reason is None:
            raise ValueError("a reason is required to set a cell aside")
        return self


class CellDecisionRead(ReadModel):
    row_id: uuid.UUID
    offering_id: uuid.UUID
    not_eligible: bool
    reason: str | None
