"""Request and response bodies for opportunities."""

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from app.account_records.schemas import AccountReference, ExternalId
from app.glossary import LimitedTerm, OpenStage, OpportunityType, Stage
from app.plumbing.batch import ITEMS, RefusedItem, leniently
from app.plumbing.dates import Day, Timestamp
from app.plumbing.metadata import Metadata, MetadataChanges, MetadataFilter, MetadataRead, WithMetadata
from app.plumbing.pagination import ListQuery
from app.plumbing.schemas import Money, ReadModel, WriteModel, omittable, text
from app.rules.document import Number

Probability = Field(default=None, ge=0, le=100, description="Percent; null uses the stage's default.")
# A discount in percent, at most two decimals: exact inside, a JSON number outside.
Discount = Annotated[Number, Field(ge=0, le=100, max_digits=5, decimal_places=2, allow_inf_nan=False)]
PaymentTerms = Annotated[int, Field(ge=0, le=365)]
DISCOUNT = "Percent off the list price, checked against the account tier's max_discount_percent."
TERMS = "Days to pay, checked against the account tier's payment_terms_days."
OFFERING = "What it would sell: an offering of the catalog (its cell of the whitespace map)."
CENTER = "Which of the account's buying centers would buy it; null for the account as a whole."
Text = Annotated[str, text(5000)]
Competitor = Annotated[str, text(200, min_length=1)]


class OpportunityFields(WriteModel):
    name: Annotated[str, text(200, min_length=1)]
    type: OpportunityType
    stage: Stage = "prospecting"
    amount: Money
    probability: int | None = Probability
    expected_close_date: Day | None = None
    owner_id: uuid.UUID | None = Field(default=None, description="Defaults to the caller.")
    competitors: list[Competitor] = Field(default_factory=list, max_length=50)
    next_step: Text | None = None
    loss_reason: Text | None = Field(default=None, description="Required to close as lost.")
    external_id: Annotated[str, text(200, min_length=1)] | None = None
    discount_percent: Discount | None = Field(default=None, description=DISCOUNT)
    payment_terms_days: PaymentTerms | None = Field(default=None, description=TERMS)
    offering_id: uuid.UUID | None = Field(default=None, description=OFFERING)
    buying_center_id: uuid.UUID | None = Field(default=None, description=CENTER)
    metadata: Metadata = Field(default_factory=dict)


class OpportunityCreate(OpportunityFields):
    account_id: uuid.UUID


class OpportunityUpsert(AccountReference, OpportunityFields):
    """One opportunity of a batch upsert: created under the account it names, or replaced (every
    field takes the item's value, absent ones their default; the owner, offering, buying center and
    metadata change only when named).
    Stage moves follow the pipeline rules: a closed opportunity is reopened only through reopen."""

    external_id: ExternalId


class OpportunityBatchUpsert(BaseModel):
    # Not a WriteModel: a NUL or an unknown field inside one item fails that item, not the batch.
    model_config = ConfigDict(extra="forbid")

    items: list[Annotated[OpportunityUpsert | SkipJsonSchema[RefusedItem], leniently(OpportunityUpsert)]] = ITEMS


class OpportunityUpdate(WriteModel):
    name: Annotated[str, text(200, min_length=1)] = omittable()
    type: OpportunityType = omittable()
    stage: Stage = omittable(description="A closed opportunity moves only through reopen.")
    amount: Money = omittable()
    probability: int | None = Probability
    expected_close_date: Day | None = None
    owner_id: uuid.UUID | None = None
    competitors: list[Competitor] = omittable(max_length=50)
    next_step: Text | None = None
    loss_reason: Text | None = None
    external_id: Annotated[str, text(200, min_length=1)] | None = None
    discount_percent: Discount | None = Field(default=None, description=DISCOUNT)
    payment_terms_days: PaymentTerms | None = Field(default=None, description=TERMS)
    offering_id: uuid.UUID | None = Field(default=None, description=OFFERING)
    buying_center_id: uuid.UUID | None = Field(default=None, description=CENTER)
    metadata: MetadataChanges = omittable()


class ExceptionApprovalCreate(WriteModel):
    reason: Annotated[str, text(2000, min_length=1)] = Field(description="Why the terms beyond the policy are right.")


class PolicyExceptionRead(BaseModel):
    policy: LimitedTerm
    limit: Number = Field(description="The tier policy's limit.")
    value: Number = Field(description="The term agreed.")


class ExceptionApprovalRead(ReadModel):
    approved_by: uuid.UUID | None
    approved_at: datetime
    reason: str
    discount_percent: Number | None = Field(description="The discount approved; a larger one needs a new approval.")
    payment_terms_days: int | None = Field(description="The terms approved; longer ones need a new approval.")


class OpportunityReopen(WriteModel):
    stage: OpenStage = Field(default="negotiation", description="The open stage to move it back to.")


class OpportunityRead(WithMetadata, ReadModel):
    id: uuid.UUID
    version: int
    account_id: uuid.UUID
    name: str
    type: OpportunityType
    stage: Stage
    amount: Money
    probability: int = Field(description="The probability in force: set by hand, or the stage's default.")
    probability_set_by_hand: bool
    weighted_amount: Money = Field(description="amount x probability / 100")
    expected_close_date: date | None
    owner_id: uuid.UUID | None
    competitors: list[str]
    next_step: str | None
    loss_reason: str | None
    closed_at: datetime | None
    external_id: str | None
    discount_percent: Number | None
    payment_terms_days: int | None
    offering_id: uuid.UUID | None
    buying_center_id: uuid.UUID | None
    metadata: MetadataRead
    policy_exceptions: list[PolicyExceptionRead] = Field(
        description="Terms beyond the account tier's sales policy (none for an untiered account)."
    )
    exceptions_approval: ExceptionApprovalRead | None = Field(
        description="A manager's approval of terms beyond the policy, when one was given."
    )
    exceptions_approved: bool = Field(
        description="No exception, or an approval covering them all: only then may it move to closed_won."
    )
    created_at: datetime
    updated_at: datetime


OpportunitySort = Literal[
    "name",
    "-name",
    "amount",
    "-amount",
    "expected_close_date",
    "-expected_close_date",
    "created_at",
    "-created_at",
    "updated_at",
    "-updated_at",
]


class OpportunityListQuery(ListQuery, MetadataFilter):
    account_id: uuid.UUID | None = None
    external_id: Annotated[str, text(200, min_length=1)] | None = Field(
        default=None, description="The record a CRM knows by this key."
    )
    stage: Stage | None = None
    type: OpportunityType | None = None
    owner_id: uuid.UUID | None = None
    offering_id: uuid.UUID | None = Field(default=None, description="Opportunities selling this offering.")
    buying_center_id: uuid.UUID | None = Field(default=None, description="Opportunities of this buying center.")
    open: bool | None = Field(default=None, description="true: open stages only; false: closed only.")
    expected_close_from: Day | None = None
    expected_close_to: Day | None = None
    updated_since: Timestamp | None = None
    sort: OpportunitySort = "expected_close_date"
