"""Request and response bodies of the event feed.

An event is one of a closed set of types, each with its own `data`: the record as its own endpoint
read it, after the change (before it, for a deletion). The contract says so per type, as a union
discriminated by `type`, so a generated client hands its user an `AccountRead` for an
`account.updated` without reading the type itself.
"""

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.accounts.schemas import AccountRead, TierChangeRead
from app.buying_centers.schemas import BuyingCenterRead
from app.contacts.schemas import ContactRead
from app.glossary import EventType, HealthStatus
from app.interactions.schemas import InteractionRead
from app.offerings.schemas import OfferingRead
from app.opportunities.schemas import OpportunityRead
from app.plans.schemas import PlanDetail
from app.plumbing.pagination import DEFAULT_LIMIT, MAX_LIMIT
from app.plumbing.schemas import ReadModel
from app.reviews.schemas import ReviewRead
from app.rules.document import RulesConfig


class _Event(ReadModel):
    id: uuid.UUID = Field(description="The event's id: the same however often it is delivered.")
    occurred_at: datetime
    entity_type: str = Field(description="The kind of record: account, tier_change, contact, opportunity, ...")
    entity_version: int | None = Field(description="The record's version after the change, for versioned records.")


class _RecordEvent(_Event):
    entity_id: uuid.UUID = Field(description="The record's id.")


class _AccountRecordEvent(_RecordEvent):
    account_id: uuid.UUID = Field(description="The account the record belongs to.")


class AccountEvent(_AccountRecordEvent):
    """An account was created, changed, archived or restored, or its tier now waits for a review."""

    type: Literal[
        "account.created", "account.updated", "account.archived", "account.restored", "account.demotion_pending"
    ]
    data: AccountRead


class JudgedView(BaseModel):
    """What the judgement of an account compares: its health and signals, and the review's state."""

    health: HealthStatus
    signals: list[str] = Field(description="The codes of the health's signals.")
    review_due: bool
    review_overdue: bool
    promotion_candidate: bool


class Judgement(BaseModel):
    before: JudgedView
    after: JudgedView
    account: AccountRead


class AccountJudgedEvent(_AccountRecordEvent):
    """The rules' view of an account turned: its health changed, its review fell due or became
    overdue, or it became a candidate for promotion."""

    type: Literal[
        "account.health_changed", "account.review_due", "account.review_overdue", "account.promotion_candidate"
    ]
    data: Judgement


class TierChangedEvent(_AccountRecordEvent):
    type: Literal["account.tier_changed"]
    data: TierChangeRead


class ContactEvent(_AccountRecordEvent):
    type: Literal["contact.created", "contact.updated", "contact.deleted"]
    data: ContactRead


class BuyingCenterEvent(_AccountRecordEvent):
    type: Literal["buying_center.created", "buying_center.updated", "buying_center.deleted"]
    data: BuyingCenterRead


class OfferingEvent(_RecordEvent):
    """An offering of the catalogue was created or changed (offerings belong to no account)."""

    type: Literal["offering.created", "offering.updated"]
    account_id: None = Field(description="Always null: offerings belong to no account.")
    data: OfferingRead


class OpportunityEvent(_AccountRecordEvent):
    type: Literal[
        "opportunity.created", "opportunity.updated", "opportunity.stage_changed", "opportunity.won", "opportunity.lost"
    ]
    data: OpportunityRead


class PlanActivatedEvent(_AccountRecordEvent):
    type: Literal["plan.activated"]
    data: PlanDetail


class InteractionCreatedEvent(_AccountRecordEvent):
    type: Literal["interaction.created"]
    data: InteractionRead


class ReviewCreatedEvent(_AccountRecordEvent):
    type: Literal["review.created"]
    data: ReviewRead


class RulesChangedEvent(_Event):
    """A new version of the rules is in force: its number is `entity_version`."""

    type: Literal["rules.changed"]
    account_id: None = Field(description="Always null: the rules belong to no account.")
    entity_id: None = Field(description="Always null: a version of the rules is named by its number.")
    data: RulesConfig


EventRead = Annotated[
    AccountEvent
    | AccountJudgedEvent
    | TierChangedEvent
    | ContactEvent
    | BuyingCenterEvent
    | OfferingEvent
    | OpportunityEvent
    | PlanActivatedEvent
    | InteractionCreatedEvent
    | ReviewCreatedEvent
    | RulesChangedEvent,
    Field(discriminator="type"),
]


def event_document(event: Any) -> dict[str, Any]:
    """An event row as the feed and the webhooks send it (`EventRead`), as plain JSON values. Its data
    is sent as it was written, not validated again: the emitter wrote it with the read model its type
    names, and a field added to a read model later is given to older events by its migration."""
    return {
        "id": str(event.id),
        "type": event.type,
        "occurred_at": event.occurred_at,
        "account_id": None if event.account_id is None else str(event.account_id),
        "entity_type": event.entity_type,
        # A version of the rules is named by its number (entity_version), not an id.
        "entity_id": None if event.entity_type == "rules" else event.entity_id,
        "entity_version": event.entity_version,
        "data": event.data,
    }


class EventFeed(BaseModel):
    items: list[EventRead] = Field(description="Oldest first.")
    next_cursor: str = Field(description="Pass as `after` to read on from here; kept when there is nothing new.")
    has_more: bool = Field(description="More events are ready now; otherwise poll again later with `next_cursor`.")


class EventFeedQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    after: str | None = Field(
        default=None, max_length=200, description="`next_cursor` of the previous answer; none reads from the start."
    )
    type: EventType | None = None
    account_id: uuid.UUID | None = None
    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Page size.")
