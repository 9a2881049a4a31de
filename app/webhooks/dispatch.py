"""The fan-out: deliveries made from the event feed for each enabled subscription, and the streams
whose next delivery is due and waits for a sender."""

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.plumbing.transactions import transaction
from app.webhooks.repository import WebhookRepository

# Events read per subscription per transaction.
FAN_OUT_BATCH = 1000
# Streams handed to senders per run; the rest are found by the next run.
DUE_STREAMS_PER_RUN = 10_000


@dataclass(frozen=True)
class Dispatched:
    due: list[tuple[uuid.UUID, uuid.UUID | None]]
    # Events after a subscription's position are committed or being written but not settled yet:
    # the fan-out must run again shortly to take them.
    unsettled: bool


async def dispatch(factory: async_sessionmaker[AsyncSession]) -> Dispatched:
    """Catch every enabled subscription up with the settled feed, then name the streams to send."""
    earliest: tuple[int, int] | None = None
    while True:
        async with transaction(factory) as session:
            repository = WebhookRepository(session)
            subscriptions = await repository.lock_enabled()
            behind = False
            for subscription in subscriptions:
                appended = await repository.append(subscription, FAN_OUT_BATCH)
                behind = behind or appended.scanned == FAN_OUT_BATCH
                earliest = appended.position if earliest is None else min(earliest, appended.position)
        if not behind:
            break
        earliest = None
    async with factory() as session:
        repository = WebhookRepository(session)
        unsettled = earliest is not None and await repository.unsettled_after(earliest)
        due = await repository.due_streams(DUE_STREAMS_PER_RUN)
    return Dispatched(due=due, unsettled=unsettled)
