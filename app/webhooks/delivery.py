"""Sending one stream of deliveries (one subscription, one account): oldest first, one at a time.

A stream is held by a transaction-scoped advisory lock while its head is sent, so workers on any
number of hosts never send the same delivery at once, and a worker killed mid-delivery loses
nothing: its transaction never commits, the lock goes with its connection, and the delivery is still
pending, due, for the next worker to send again (at least once). A failed delivery blocks the ones
after it, so an endpoint sees each account's events in the feed's order.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import orjson
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.events.schemas import event_document
from app.jobs.metrics import DELIVERY_ATTEMPTS
from app.models import Event, WebhookDelivery, WebhookSubscription
from app.plumbing.transactions import transaction
from app.webhooks import signing, targets
from app.webhooks.repository import WebhookRepository

# The wait after each failed attempt: the Standard Webhooks reference schedule, eight attempts over
# about a day (27 h 35 min 5 s from the first to the last).
RETRY_DELAYS = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
)
ATTEMPTS = len(RETRY_DELAYS) + 1
# An endpoint failing every attempt for this long is disabled, with its pending deliveries kept.
DISABLE_AFTER = timedelta(days=1)
TIMEOUT_SECONDS = 10.0
_ERROR_LENGTH = 500


@dataclass(frozen=True)
class Outcome:
    code: int | None
    error: str | None

    @property
    def succeeded(self) -> bool:
        return self.code is not None and 200 <= self.code < 300


def body_of(event: Event) -> str:
    """The delivery's body: the event as the feed reads it."""
    return orjson.dumps(event_document(event), option=orjson.OPT_UTC_Z).decode()


def signing_secrets(subscription: WebhookSubscription, now: datetime) -> list[str]:
    expires = subscription.previous_secret_expires_at
    if subscription.previous_secret is not None and expires is not None and expires > now:
        return [subscription.secret, subscription.previous_secret]
    return [subscription.secret]


async def send(
    client: httpx.AsyncClient, subscription: WebhookSubscription, event: Event, now: datetime, *, allow_local: bool
) -> Outcome:
    """One attempt: POST the signed event to the address the URL resolves to, if it may receive it."""
    try:
        target = await targets.resolve(subscription.url, allow_local=allow_local)
    except targets.RefusedTarget as refusal:
        return Outcome(None, str(refusal)[:_ERROR_LENGTH])
    url = httpx.URL(subscription.url)
    body = body_of(event)
    headers = signing.headers(str(event.id), now, body, signing_secrets(subscription, now))
    headers["host"] = url.netloc.decode("ascii")
    # Connect to the address checked, while TLS still checks the certificate of the URL's host.
    extensions = {"sni_hostname": target.host} if url.scheme == "https" else {}
    try:
        response = await client.post(
            url.copy_with(host=str(target.address)), content=body, headers=headers, extensions=extensions
        )
    except httpx.TimeoutException:
        return Outcome(None, f"no answer within {TIMEOUT_SECONDS:g} s")
    except httpx.HTTPError as error:
        return Outcome(None, f"could not deliver: {error or type(error).__name__}"[:_ERROR_LENGTH])
    if 200 <= response.status_code < 300:
        return Outcome(response.status_code, None)
    return Outcome(response.status_code, f"the endpoint answered HTTP {response.status_code}")


def record(delivery: WebhookDelivery, outcome: Outcome, started: datetime, ended: datetime) -> None:
    """Note the attempt made from ``started`` to ``ended`` on the delivery: done, given up, or due
    again after the schedule's wait, counted from the end of the attempt (one that timed out after
    10 s is not due again at once)."""
    delivery.attempts += 1
    delivery.last_attempt_at = started
    delivery.last_response_code = outcome.code
    delivery.last_error = outcome.error
    if outcome.succeeded:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = "succeeded", ended, None
    elif delivery.attempts >= ATTEMPTS:
        delivery.status, delivery.next_attempt_at = "failed", None
    else:
        delivery.next_attempt_at = ended + RETRY_DELAYS[delivery.attempts - 1]


def _counted(delivery: WebhookDelivery) -> None:
    """The attempt just recorded, by how it left the delivery."""
    outcome = {"succeeded": "delivered", "failed": "given_up"}.get(delivery.status, "retrying")
    DELIVERY_ATTEMPTS.labels(outcome).inc()


def _now() -> datetime:
    return datetime.now(UTC)


async def deliver_stream(
    factory: async_sessionmaker[AsyncSession],
    subscription_id: uuid.UUID,
    account_id: uuid.UUID | None,
    *,
    allow_local: bool,
    clock: Callable[[], datetime] = _now,
) -> datetime | None:
    """Send the stream's due deliveries, oldest first, until none is due or one fails. Returns when a
    failed one is due again (the caller schedules that); None when nothing waits on a retry."""
    async with httpx.AsyncClient(timeout=TIMEOUT_SECONDS, follow_redirects=False, trust_env=False) as client:
        while True:
            async with transaction(factory) as session:
                repository = WebhookRepository(session)
                if not await repository.take_stream(subscription_id, account_id):
                    return None  # another worker is sending this stream, and goes on to its end
                subscription = await repository.get(subscription_id)
                head = await repository.stream_head(subscription_id, account_id)
                if subscription is None or not subscription.enabled or head is None:
                    return None
                delivery, event = head
                now = clock()
                if delivery.next_attempt_at is not None and delivery.next_attempt_at > now:
                    return delivery.next_attempt_at  # not due yet: the stream's one job waits for it
                outcome = await send(client, subscription, event, now, allow_local=allow_local)
                record(delivery, outcome, now, clock())
                _counted(delivery)
                if outcome.succeeded:
                    await repository.note_answered(subscription_id)
                else:
                    await repository.note_failing(subscription_id, now, now - DISABLE_AFTER)
            if delivery.status == "pending":
                return delivery.next_attempt_at
