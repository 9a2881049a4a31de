"""Managing webhook subscriptions (admins only) and reading and retrying their deliveries."""

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import policy
from app.auth.principal import Principal
from app.events.service import decode_position, encode_position
from app.models import WebhookDelivery, WebhookSubscription
from app.plumbing.concurrency import ExpectedVersion, check_version
from app.plumbing.errors import Conflict, InvalidFields, NotFound
from app.webhooks import signing, targets
from app.webhooks.repository import WebhookRepository
from app.webhooks.schemas import WebhookCreate, WebhookDeliveryListQuery, WebhookListQuery, WebhookUpdate

# After a rotation the old secret keeps signing beside the new one this long, so receivers can switch.
PREVIOUS_SECRET_SIGNS_FOR = timedelta(hours=24)


class WebhookDisabled(Conflict):
    title, slug = "The webhook is disabled", "webhook-disabled"


class WebhookService:
    def __init__(self, session: AsyncSession, principal: Principal, *, allow_local_targets: bool) -> None:
        policy.require_role(principal, policy.ADMIN, to="manage webhooks")
        self.session = session
        self.principal = principal
        self.allow_local_targets = allow_local_targets
        self.repository = WebhookRepository(session)

    async def list_page(self, query: WebhookListQuery) -> tuple[list[WebhookSubscription], str | None]:
        return await self.repository.list_page(query)

    async def get(self, subscription_id: uuid.UUID, *, for_update: bool = False) -> WebhookSubscription:
        subscription = await self.repository.get(subscription_id, for_update=for_update)
        if subscription is None:
            raise NotFound(f"No webhook with id {subscription_id}.")
        return subscription

    async def create(self, data: WebhookCreate) -> WebhookSubscription:
        await self._check_target(data.url)
        transaction_id, seq = await self.repository.feed_end()
        subscription = WebhookSubscription(
            url=data.url,
            description=data.description,
            event_types=None if data.event_types is None else list(data.event_types),
            enabled=data.enabled,
            secret=signing.new_secret(),
            position_transaction_id=transaction_id,
            position_seq=seq,
            created_by=self.principal.user_id,
        )
        return await self.repository.save(subscription)

    async def update(
        self, subscription_id: uuid.UUID, data: WebhookUpdate, expected: ExpectedVersion | None
    ) -> WebhookSubscription:
        subscription = await self.get(subscription_id, for_update=True)
        check_version(expected, subscription.version)
        given = data.model_fields_set
        if "url" in given and data.url != subscription.url:
            await self._check_target(data.url)
            subscription.url = data.url
        if "description" in given:
            subscription.description = data.description
        if "event_types" in given:
            subscription.event_types = None if data.event_types is None else list(data.event_types)
        if "enabled" in given and data.enabled != subscription.enabled:
            subscription.enabled = data.enabled
            subscription.disabled_reason = None
            subscription.failing_since = None
            if data.enabled:
                # Resumed: what waited goes out now, from where it stopped, not after its last backoff.
                await self.repository.make_pending_due(subscription_id, datetime.now(UTC))
        return await self.repository.save(subscription)

    async def delete(self, subscription_id: uuid.UUID, expected: ExpectedVersion | None) -> None:
        subscription = await self.get(subscription_id, for_update=True)
        check_version(expected, subscription.version)
        await self.repository.delete(subscription)

    async def rotate_secret(
        self, subscription_id: uuid.UUID, expected: ExpectedVersion | None, now: datetime
    ) -> WebhookSubscription:
        subscription = await self.get(subscription_id, for_update=True)
        check_version(expected, subscription.version)
        subscription.previous_secret = subscription.secret
        subscription.previous_secret_expires_at = now + PREVIOUS_SECRET_SIGNS_FOR
        subscription.secret = signing.new_secret()
        return await self.repository.save(subscription)

    async def deliveries(
        self, subscription_id: uuid.UUID, query: WebhookDeliveryListQuery
    ) -> tuple[list[WebhookDelivery], str | None]:
        await self.get(subscription_id)
        before = decode_position(query.cursor, "cursor") if query.cursor else None
        rows = await self.repository.deliveries_page(subscription_id, query, before)
        page = rows[: query.limit]
        if len(rows) <= query.limit:
            return page, None
        return page, encode_position(page[-1].transaction_id, page[-1].seq)

    async def retry(self, subscription_id: uuid.UUID, delivery_id: uuid.UUID) -> WebhookDelivery:
        """Send the delivery again, now: a fresh round of attempts, whatever became of the last."""
        subscription = await self.get(subscription_id)
        delivery = await self.repository.delivery(subscription_id, delivery_id, for_update=True)
        if delivery is None:
            raise NotFound(f"Webhook {subscription_id} has no delivery with id {delivery_id}.")
        if not subscription.enabled:
            raise WebhookDisabled("The webhook is disabled; enable it, and its pending deliveries go out again.")
        delivery.status = "pending"
        delivery.attempts = 0
        delivery.next_attempt_at = datetime.now(UTC)
        await self.repository.save_due(delivery)
        return delivery

    async def _check_target(self, url: str) -> None:
        try:
            await targets.resolve(url, allow_local=self.allow_local_targets)
        except targets.Unresolvable:
            pass  # it may resolve by the time events come; the delivery log will say if not
        except targets.RefusedTarget as refusal:
            raise InvalidFields.one(["body", "url"], str(refusal)) from None
