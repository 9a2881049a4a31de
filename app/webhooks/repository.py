"""All SQL of webhooks: subscriptions, the deliveries made from the event feed, each stream's head."""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, String, bindparam, func, select, text, tuple_, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession

from app.events.repository import SETTLED, UNSETTLED
from app.jobs.queue import WAKE_WEBHOOKS
from app.models import Event, WebhookDelivery, WebhookSubscription
from app.plumbing.pagination import PageRequest, SortKey, apply_keyset, count_matching, split_page
from app.webhooks.schemas import WebhookDeliveryListQuery, WebhookListQuery

_BY_CREATION = SortKey(WebhookSubscription.created_at, "datetime")
DISABLED_REASON = "every delivery failed for a day"


def stream_key(subscription_id: uuid.UUID, account_id: uuid.UUID | None) -> str:
    """Names one subscription's deliveries about one account: sent one at a time, in order."""
    return f"webhooks:{subscription_id}:{account_id or 'none'}"


@dataclass(frozen=True)
class Fanning:
    """A subscription as the fan-out reads it: what it takes, and how far in the feed it got."""

    id: uuid.UUID
    event_types: list[str] | None
    position: tuple[int, int]


@dataclass(frozen=True)
class Appended:
    """What one step of the fan-out did: events read, and the position after them."""

    scanned: int
    position: tuple[int, int]


# One step of the fan-out, in one statement: the settled events after the subscription's position,
# a delivery for each of the types it takes, and the position moved past all of them.
_APPEND = text(
    """
    WITH batch AS (
        SELECT id, type, account_id, transaction_id, seq FROM events
        WHERE (transaction_id, seq) > (:transaction_id, :seq) AND ({settled})
        ORDER BY transaction_id, seq
        LIMIT :limit
    ), added AS (
        INSERT INTO webhook_deliveries
            (id, subscription_id, event_id, event_type, account_id, transaction_id, seq, next_attempt_at)
        SELECT gen_random_uuid(), :subscription_id, id, type, account_id, transaction_id, seq, statement_timestamp()
        FROM batch
        WHERE CAST(:event_types AS varchar[]) IS NULL OR type = ANY(CAST(:event_types AS varchar[]))
        ON CONFLICT (subscription_id, event_id) DO NOTHING
    ), moved AS (
        UPDATE webhook_subscriptions
        SET position_transaction_id = last.transaction_id, position_seq = last.seq
        FROM (SELECT transaction_id, seq FROM batch ORDER BY transaction_id DESC, seq DESC LIMIT 1) AS last
        WHERE webhook_subscriptions.id = :subscription_id
    )
    SELECT count(*) AS scanned, max(ARRAY[transaction_id, seq]) AS position FROM batch
    """.replace("{settled}", str(SETTLED.compile(dialect=postgresql.dialect())))
).bindparams(
    bindparam("event_types", type_=postgresql.ARRAY(String)),
    bindparam("subscription_id", type_=postgresql.UUID(as_uuid=True)),
)

# Streams whose oldest pending delivery is due and that no job is queued for yet (the queue's own
# table: a job waiting under the stream's queueing lock).
_DUE_STREAMS = text(
    """
    SELECT head.subscription_id, head.account_id
    FROM (
        SELECT DISTINCT ON (subscription_id, account_id) subscription_id, account_id, next_attempt_at
        FROM webhook_deliveries
        WHERE status = 'pending'
        ORDER BY subscription_id, account_id, transaction_id, seq
    ) AS head
    JOIN webhook_subscriptions AS subscription ON subscription.id = head.subscription_id AND subscription.enabled
    WHERE head.next_attempt_at <= statement_timestamp()
      AND NOT EXISTS (
        -- A job waiting for the stream, due by the time its head is: it sends it. One waiting for
        -- later (a retry's wait, when the head was retried by hand since) is brought forward.
        SELECT 1 FROM procrastinate_jobs AS job
        WHERE job.status = 'todo'
          AND job.queueing_lock = 'webhooks:' || head.subscription_id || ':' || coalesce(head.account_id::text, 'none')
          AND coalesce(job.scheduled_at, '-infinity') <= head.next_attempt_at
      )
    LIMIT :limit
    """
)


class WebhookRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # Subscriptions, as admins manage them.

    async def list_page(self, query: WebhookListQuery) -> tuple[list[WebhookSubscription], str | None]:
        request = PageRequest.of(query, "created_at")
        statement = select(WebhookSubscription)
        if query.enabled is not None:
            statement = statement.where(WebhookSubscription.enabled.is_(query.enabled))
        await count_matching(self.session, statement, request.count)
        statement = apply_keyset(statement, request, _BY_CREATION, WebhookSubscription.id)
        rows = list((await self.session.execute(statement)).scalars())
        return split_page(rows, request, _BY_CREATION)

    async def get(self, subscription_id: uuid.UUID, *, for_update: bool = False) -> WebhookSubscription | None:
        statement = select(WebhookSubscription).where(WebhookSubscription.id == subscription_id)
        if for_update:
            statement = statement.with_for_update()
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def save(self, subscription: WebhookSubscription) -> WebhookSubscription:
        self.session.add(subscription)
        await self.session.flush()
        return subscription

    async def delete(self, subscription: WebhookSubscription) -> None:
        await self.session.delete(subscription)
        await self.session.flush()

    async def feed_end(self) -> tuple[int, int]:
        """The position after every settled event: a new subscription is told what happens from here."""
        statement = (
            select(Event.transaction_id, Event.seq)
            .where(SETTLED)
            .order_by(Event.transaction_id.desc(), Event.seq.desc())
            .limit(1)
        )
        last = (await self.session.execute(statement)).first()
        return (last.transaction_id, last.seq) if last else (0, 0)

    # The delivery log.

    async def deliveries_page(
        self, subscription_id: uuid.UUID, query: WebhookDeliveryListQuery, before: tuple[int, int] | None
    ) -> list[WebhookDelivery]:
        """Up to ``limit + 1`` deliveries, newest first, before the position ``before``."""
        statement: Select[Any] = select(WebhookDelivery).where(WebhookDelivery.subscription_id == subscription_id)
        if query.status is not None:
            statement = statement.where(WebhookDelivery.status == query.status)
        await count_matching(self.session, statement, query.count)
        if before is not None:
            statement = statement.where(tuple_(WebhookDelivery.transaction_id, WebhookDelivery.seq) < tuple_(*before))
        statement = statement.order_by(WebhookDelivery.transaction_id.desc(), WebhookDelivery.seq.desc())
        return list((await self.session.execute(statement.limit(query.limit + 1))).scalars())

    async def make_pending_due(self, subscription_id: uuid.UUID, now: datetime) -> None:
        """The subscription's pending deliveries are due ``now``; the senders are woken after the commit."""
        await self.session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.subscription_id == subscription_id, WebhookDelivery.status == "pending")
            .values(next_attempt_at=now)
        )
        self.session.info[WAKE_WEBHOOKS] = True

    async def save_due(self, delivery: WebhookDelivery) -> None:
        """A delivery made due again; the senders are woken after the commit."""
        await self.session.flush()
        self.session.info[WAKE_WEBHOOKS] = True

    async def delivery(
        self, subscription_id: uuid.UUID, delivery_id: uuid.UUID, *, for_update: bool = False
    ) -> WebhookDelivery | None:
        statement = select(WebhookDelivery).where(
            WebhookDelivery.id == delivery_id, WebhookDelivery.subscription_id == subscription_id
        )
        if for_update:
            statement = statement.with_for_update()
        return (await self.session.execute(statement)).scalar_one_or_none()

    # The fan-out from the feed.

    async def lock_enabled(self) -> list[Fanning]:
        """The enabled subscriptions no one else is fanning out now, locked for this transaction."""
        statement = (
            select(
                WebhookSubscription.id,
                WebhookSubscription.event_types,
                WebhookSubscription.position_transaction_id,
                WebhookSubscription.position_seq,
            )
            .where(WebhookSubscription.enabled)
            .order_by(WebhookSubscription.id)
            .with_for_update(skip_locked=True)
        )
        rows = await self.session.execute(statement)
        return [Fanning(row.id, row.event_types, (row.position_transaction_id, row.position_seq)) for row in rows]

    async def append(self, subscription: Fanning, limit: int) -> Appended:
        """Deliveries for the next ``limit`` settled events after the subscription's position (those of
        its types), and the position moved past them."""
        parameters = {
            "subscription_id": subscription.id,
            "transaction_id": subscription.position[0],
            "seq": subscription.position[1],
            "event_types": subscription.event_types,
            "limit": limit,
        }
        row = (await self.session.execute(_APPEND, parameters)).one()
        position = (row.position[0], row.position[1]) if row.position else subscription.position
        return Appended(scanned=row.scanned, position=position)

    async def unsettled_after(self, position: tuple[int, int]) -> bool:
        """Whether an event after ``position`` is committed but not yet settled (or still being written)."""
        statement = select(
            select(Event.id).where(tuple_(Event.transaction_id, Event.seq) > tuple_(*position), UNSETTLED).exists()
        )
        return bool((await self.session.execute(statement)).scalar())

    async def due_streams(self, limit: int) -> list[tuple[uuid.UUID, uuid.UUID | None]]:
        rows = await self.session.execute(_DUE_STREAMS, {"limit": limit})
        return [(row.subscription_id, row.account_id) for row in rows]

    # One stream's deliveries, sent in order.

    async def take_stream(self, subscription_id: uuid.UUID, account_id: uuid.UUID | None) -> bool:
        """Whether this transaction now holds the stream (one sender at a time, on any host)."""
        key = func.hashtextextended(stream_key(subscription_id, account_id), 0)
        statement = select(func.pg_try_advisory_xact_lock(key))
        return bool((await self.session.execute(statement)).scalar())

    async def stream_head(
        self, subscription_id: uuid.UUID, account_id: uuid.UUID | None
    ) -> tuple[WebhookDelivery, Event] | None:
        """The stream's oldest pending delivery and its event."""
        same_account = (
            WebhookDelivery.account_id.is_(None) if account_id is None else WebhookDelivery.account_id == account_id
        )
        statement = (
            select(WebhookDelivery, Event)
            .join(Event, Event.id == WebhookDelivery.event_id)
            .where(WebhookDelivery.subscription_id == subscription_id, WebhookDelivery.status == "pending")
            .where(same_account)
            .order_by(WebhookDelivery.transaction_id, WebhookDelivery.seq)
            .limit(1)
        )
        row = (await self.session.execute(statement)).first()
        return (row[0], row[1]) if row else None

    async def note_answered(self, subscription_id: uuid.UUID) -> None:
        """The endpoint answered: it is no longer failing (a write only when it was)."""
        await self.session.execute(
            update(WebhookSubscription)
            .where(WebhookSubscription.id == subscription_id, WebhookSubscription.failing_since.is_not(None))
            .values(failing_since=None)
        )

    async def note_failing(self, subscription_id: uuid.UUID, now: datetime, disable_before: datetime) -> bool:
        """The endpoint failed: it is failing since now if it was not; disabled if it has been since
        before ``disable_before``. Whether this disabled it."""
        await self.session.execute(
            update(WebhookSubscription)
            .where(WebhookSubscription.id == subscription_id, WebhookSubscription.failing_since.is_(None))
            .values(failing_since=now)
        )
        disabled = await self.session.execute(
            update(WebhookSubscription)
            .where(
                WebhookSubscription.id == subscription_id,
                WebhookSubscription.enabled,
                WebhookSubscription.failing_since < disable_before,
            )
            .values(
                enabled=False,
                disabled_reason=DISABLED_REASON,
                version=WebhookSubscription.version + 1,
                updated_at=func.statement_timestamp(),
            )
            .returning(WebhookSubscription.id)
        )
        return disabled.first() is not None
