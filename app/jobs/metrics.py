"""What the job queue tells an operator beyond the database's own figures: how long each job ran and
how it ended, counted by the process that ran it (``kam serve``'s workers, or ``kam worker``, which
serves them on ``KAM_WORKER_METRICS_PORT``)."""

import time
from typing import Any

from procrastinate import JobContext
from procrastinate.middleware import AsyncCallNext
from procrastinate.worker import Worker
from prometheus_client import Counter, Histogram

JOB_DURATION = Histogram(
    "kam_job_duration_seconds",
    "Time a job ran, by queue, task and outcome (succeeded, failed, or interrupted by a stop).",
    ["queue", "task", "outcome"],
    buckets=(0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900),
)

# Counted by the webhook senders (app/webhooks/delivery.py); declared here, with the queue, so a
# `kam worker` serving its metrics has the series from its start, before its tasks are imported.
DELIVERY_ATTEMPTS = Counter(
    "kam_webhook_delivery_attempts_total",
    "Delivery attempts by how they left the delivery: delivered, retrying (due again later), given_up.",
    ["outcome"],
)


async def measured(call_next: AsyncCallNext, context: JobContext, worker: Worker) -> Any:
    """A worker middleware: every job is timed and counted by how it ended."""
    started, outcome = time.perf_counter(), "interrupted"
    try:
        result = await call_next()
        outcome = "succeeded"
        return result
    except Exception:
        outcome = "failed"
        raise
    finally:
        job = context.job
        JOB_DURATION.labels(job.queue, job.task_name, outcome).observe(time.perf_counter() - started)
