"""``/v1/webhooks``: endpoints told of events (admins), their delivery log, and retries."""

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request, Response, status

from app.auth.dependencies import CurrentPrincipal
from app.db import SessionDep
from app.events.schemas import EventRead
from app.plumbing import idempotency
from app.plumbing.concurrency import IfMatch, set_etag
from app.plumbing.errors import problems
from app.plumbing.pagination import Page
from app.plumbing.responses import created_headers
from app.webhooks.schemas import (
    WebhookCreate,
    WebhookDeliveryListQuery,
    WebhookDeliveryRead,
    WebhookListQuery,
    WebhookRead,
    WebhookUpdate,
    WebhookWithSecret,
)
from app.webhooks.service import WebhookService

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"], responses=problems(401, 403, 422))
# What the service sends to subscribed endpoints: the contract's ``webhooks`` section.
deliveries = APIRouter(tags=["webhooks"], generate_unique_id_function=lambda route: route.name)


async def webhook_service(request: Request, session: SessionDep, principal: CurrentPrincipal) -> WebhookService:
    allow_local = request.app.state.settings.webhooks_allow_local_targets
    return WebhookService(session, principal, allow_local_targets=allow_local)


Service = Annotated[WebhookService, Depends(webhook_service)]


@router.get("", name="webhooks_list")
async def list_webhooks(query: Annotated[WebhookListQuery, Query()], service: Service) -> Page[WebhookRead]:
    subscriptions, next_cursor = await service.list_page(query)
    return Page(items=[WebhookRead.model_validate(item) for item in subscriptions], next_cursor=next_cursor)


@router.post(
    "",
    name="webhooks_create",
    status_code=status.HTTP_201_CREATED,
    # A replayed answer (Idempotency-Key) is sent as stored, so the model is named here.
    response_model=WebhookWithSecret,
    responses=problems(400, 409, 413),
)
async def create_webhook(
    payload: WebhookCreate,
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    service: Service,
    idempotency_key: idempotency.IdempotencyKey = None,
) -> Any:
    """Subscribe an endpoint. It is told of events from now on, signed with the `secret` answered here
    (shown this once, and to a retry with the same `Idempotency-Key`). A URL that reaches the
    service's own host is refused (request forgery)."""

    async def create() -> tuple[WebhookWithSecret, dict[str, str]]:
        subscription = await service.create(payload)
        headers = created_headers(request, "webhooks_get", subscription.version, webhook_id=subscription.id)
        return WebhookWithSecret.model_validate(subscription), headers

    operation = f"webhooks_create:{principal.user_id}"
    return await idempotency.respond_once(session, operation, idempotency_key, payload, create)


@router.get("/{webhook_id}", name="webhooks_get", responses=problems(404))
async def get_webhook(webhook_id: uuid.UUID, response: Response, service: Service) -> WebhookRead:
    subscription = await service.get(webhook_id)
    set_etag(response, subscription.version)
    return WebhookRead.model_validate(subscription)


@router.patch("/{webhook_id}", name="webhooks_update", responses=problems(404, 412))
async def update_webhook(
    webhook_id: uuid.UUID, payload: WebhookUpdate, response: Response, service: Service, expected: IfMatch = None
) -> WebhookRead:
    """Change the URL, description or types, or pause (`enabled: false`) and resume deliveries. A
    webhook the service disabled after a day of failures is resumed here, from where it stopped."""
    subscription = await service.update(webhook_id, payload, expected)
    set_etag(response, subscription.version)
    return WebhookRead.model_validate(subscription)


@router.delete(
    "/{webhook_id}", name="webhooks_delete", status_code=status.HTTP_204_NO_CONTENT, responses=problems(404, 412)
)
async def delete_webhook(webhook_id: uuid.UUID, service: Service, expected: IfMatch = None) -> Response:
    """Unsubscribe: nothing more is sent, and the delivery log goes with it."""
    await service.delete(webhook_id, expected)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{webhook_id}/rotate-secret", name="webhooks_rotate_secret", responses=problems(404, 412))
async def rotate_webhook_secret(
    webhook_id: uuid.UUID, response: Response, service: Service, expected: IfMatch = None
) -> WebhookWithSecret:
    """A new secret, shown this once. For 24 hours deliveries carry a signature by each secret, the old
    and the new, so the receiver can switch without losing one."""
    subscription = await service.rotate_secret(webhook_id, expected, datetime.now(UTC))
    set_etag(response, subscription.version)
    return WebhookWithSecret.model_validate(subscription)


@router.get("/{webhook_id}/deliveries", name="webhook_deliveries_list", responses=problems(404))
async def list_webhook_deliveries(
    webhook_id: uuid.UUID, query: Annotated[WebhookDeliveryListQuery, Query()], service: Service
) -> Page[WebhookDeliveryRead]:
    """The delivery log, newest first: each event sent or to be sent, its status, attempts, the
    endpoint's last answer and the next attempt."""
    deliveries, next_cursor = await service.deliveries(webhook_id, query)
    return Page(items=[WebhookDeliveryRead.model_validate(item) for item in deliveries], next_cursor=next_cursor)


@router.post(
    "/{webhook_id}/deliveries/{delivery_id}/retry",
    name="webhook_deliveries_retry",
    status_code=status.HTTP_202_ACCEPTED,
    responses=problems(404, 409),
)
async def retry_webhook_delivery(
    webhook_id: uuid.UUID, delivery_id: uuid.UUID, service: Service
) -> WebhookDeliveryRead:
    """Send the delivery again, now, with a fresh round of attempts (a failed one, or one already
    received that the endpoint lost). It keeps its `webhook-id`, so the receiver can tell a repeat."""
    return WebhookDeliveryRead.model_validate(await service.retry(webhook_id, delivery_id))


@deliveries.post("event", name="event_delivered", status_code=status.HTTP_204_NO_CONTENT)
def event_delivered(
    event: EventRead,
    webhook_id: Annotated[str, Header(alias="webhook-id", description="The event's id, the same on every attempt.")],
    webhook_timestamp: Annotated[str, Header(alias="webhook-timestamp", description="Unix seconds of the attempt.")],
    webhook_signature: Annotated[
        str, Header(alias="webhook-signature", description="`v1,<base64 HMAC-SHA256>`, one per secret in use.")
    ],
) -> None:
    """Each delivery POSTs one event, as the feed reads it, signed per the Standard Webhooks
    specification. Answer 2xx within 10 seconds once it is stored; anything else is tried again."""
