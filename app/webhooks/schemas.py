"""Request and response bodies of webhook subscriptions and their delivery log."""

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import Field, StrictBool, StringConstraints, field_validator

from app.glossary import DeliveryStatus, EventType
from app.plumbing.pagination import ListQuery
from app.plumbing.schemas import ReadModel, WriteModel, omittable, text

# Not trimmed: a URL with a space, tab or line break anywhere is refused, not quietly mended.
Url = Annotated[str, StringConstraints(min_length=1, max_length=2000)]
Description = Annotated[str, text(500)]
EventTypes = Annotated[list[EventType], Field(min_length=1, max_length=100)]

URL_DESCRIPTION = "Where deliveries are POSTed: an http(s) URL that does not reach the service's own host."
TYPES_DESCRIPTION = "The event types sent; null for every type, including types added later."


def _distinct(types: list[EventType] | None) -> list[EventType] | None:
    if types is not None and len(set(types)) != len(types):
        raise ValueError("each event type once")
    return types


class WebhookCreate(WriteModel):
    url: Url = Field(description=URL_DESCRIPTION)
    description: Description | None = None
    event_types: EventTypes | None = Field(default=None, description=TYPES_DESCRIPTION)
    enabled: StrictBool = True

    _distinct_types = field_validator("event_types")(_distinct)


class WebhookUpdate(WriteModel):
    url: Url = omittable(description=URL_DESCRIPTION)
    description: Description | None = None
    event_types: EventTypes | None = Field(default=None, description=TYPES_DESCRIPTION)
    enabled: StrictBool = omittable(
        description="false pauses deliveries (events are kept for later); true resumes where they stopped."
    )

    _distinct_types = field_validator("event_types")(_distinct)


class WebhookRead(ReadModel):
    id: uuid.UUID
    url: str
    description: str | None
    event_types: list[EventType] | None = Field(description=TYPES_DESCRIPTION)
    enabled: bool
    disabled_reason: str | None = Field(description="Why the service disabled it, when it did.")
    failing_since: datetime | None = Field(description="Since when every attempt has failed; null while it answers.")
    previous_secret_expires_at: datetime | None = Field(
        description="Until when the secret replaced by the last rotation still signs beside the new one."
    )
    created_by: uuid.UUID | None
    created_at: datetime
    updated_at: datetime
    version: int


class WebhookWithSecret(WebhookRead):
    secret: str = Field(description="Verifies the signatures (`whsec_...`). Shown this once: store it now.")


class WebhookListQuery(ListQuery):
    enabled: bool | None = None


class WebhookDeliveryRead(ReadModel):
    id: uuid.UUID
    subscription_id: uuid.UUID
    event_id: uuid.UUID = Field(description="The event sent; also the `webhook-id` header, the same on every attempt.")
    event_type: EventType
    account_id: uuid.UUID | None
    status: DeliveryStatus
    attempts: int = Field(description="Attempts made since it was queued (or last retried by hand).")
    next_attempt_at: datetime | None = Field(description="When it is tried next; null once it succeeded or failed.")
    last_attempt_at: datetime | None
    last_response_code: int | None = Field(description="The HTTP status the endpoint last answered, if it answered.")
    last_error: str | None = Field(description="Why the last attempt failed, when it did.")
    delivered_at: datetime | None
    created_at: datetime


class WebhookDeliveryListQuery(ListQuery):
    status: DeliveryStatus | None = None
