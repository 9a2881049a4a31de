"""The webhook tasks of the job queue: the fan-out of new events to subscriptions, and one sender per
stream (app/jobs/queue.py runs them)."""

import contextlib
import uuid

from procrastinate import JobContext
from procrastinate.exceptions import AlreadyEnqueued
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.jobs.queue import DELIVERIES, DISPATCH_LOCK, DISPATCH_TASK, defer_dispatch, tasks
from app.webhooks.delivery import deliver_stream
from app.webhooks.dispatch import dispatch
from app.webhooks.repository import stream_key

# The fan-out runs after every commit that writes events; each minute it also picks up what a lost
# wake-up or a killed worker left behind.
WEBHOOKS_CRON = "* * * * *"


@tasks.periodic(cron=WEBHOOKS_CRON)
@tasks.task(name=DISPATCH_TASK, queueing_lock=DISPATCH_LOCK, pass_context=True)
async def dispatch_webhooks(context: JobContext, timestamp: int) -> None:
    """Make the deliveries of new events, and hand each stream with a delivery due to a sender."""
    factory: async_sessionmaker[AsyncSession] = context.additional_context["session_factory"]
    dispatched = await dispatch(factory)
    for subscription_id, account_id in dispatched.due:
        key = stream_key(subscription_id, account_id)
        sender = context.app.configure_task(deliver_webhooks.name, queueing_lock=key)
        arguments = {"subscription_id": str(subscription_id), "account_id": _text(account_id)}
        try:
            await sender.defer_async(**arguments)
        except AlreadyEnqueued:
            # The stream's one waiting job is for later than its head is now due: bring it forward.
            for waiting in await context.app.job_manager.list_jobs_async(status="todo", queueing_lock=key):
                if waiting.id is not None:
                    await context.app.job_manager.cancel_job_by_id_async(waiting.id)
            with contextlib.suppress(AlreadyEnqueued):  # another fan-out brought it forward first
                await sender.defer_async(**arguments)
    if dispatched.unsettled:
        await defer_dispatch(context.app, after_seconds=1)


@tasks.task(name="deliver_webhooks", queue=DELIVERIES, pass_context=True)
async def deliver_webhooks(context: JobContext, subscription_id: str, account_id: str | None) -> None:
    """Send one stream's due deliveries in order; schedule the next attempt of one that failed. A
    stream has at most one job waiting (its queueing lock), however long its endpoint stays dead."""
    factory: async_sessionmaker[AsyncSession] = context.additional_context["session_factory"]
    retry_at = await deliver_stream(
        factory,
        uuid.UUID(subscription_id),
        uuid.UUID(account_id) if account_id else None,
        allow_local=context.additional_context["allow_local_targets"],
    )
    if retry_at is not None:
        key = stream_key(uuid.UUID(subscription_id), uuid.UUID(account_id) if account_id else None)
        retry = context.app.configure_task(deliver_webhooks.name, schedule_at=retry_at, queueing_lock=key)
        with contextlib.suppress(AlreadyEnqueued):  # the job waiting for this stream sends it
            await retry.defer_async(subscription_id=subscription_id, account_id=account_id)


def _text(value: uuid.UUID | None) -> str | None:
    return None if value is None else str(value)
