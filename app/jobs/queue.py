"""The job queue: its tasks, and a worker that runs them.

Jobs live in PostgreSQL (procrastinate's tables, applied by a migration), so nothing more is
deployed. A periodic task is deferred once per tick whichever workers are running, and a job is
taken by one worker at a time; a worker that dies leaves its jobs to be retried, not lost.
"""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

from procrastinate import App, JobContext, PsycopgConnector
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.events.clock import judge_all

# Tasks are declared on this app; a worker runs them through one connected to the database.
tasks = App(connector=PsycopgConnector())
JUDGEMENT_CRON = "*/5 * * * *"
RESTART_AFTER_SECONDS = 5

logger = logging.getLogger(__name__)


@tasks.periodic(cron=JUDGEMENT_CRON)
@tasks.task(name="judge_accounts", queueing_lock="judge_accounts", pass_context=True)
async def judge_accounts(context: JobContext, timestamp: int) -> None:
    """Tell what time alone changed in accounts' computed views, as of the tick it was due for."""
    factory: async_sessionmaker[AsyncSession] = context.additional_context["session_factory"]
    await judge_all(factory, datetime.fromtimestamp(timestamp, UTC))


@contextlib.asynccontextmanager
async def connected(database_url: str) -> AsyncIterator[App]:
    """The tasks' app, open on the service's database (the URL SQLAlchemy uses) while in the block."""
    conninfo = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with tasks.replace_connector(PsycopgConnector(conninfo=conninfo, min_size=1, max_size=4)) as app:
        async with app.open_async():
            yield app


async def run_worker(database_url: str, factory: async_sessionmaker[AsyncSession], **options: Any) -> None:
    """Run jobs until cancelled (or, with ``wait=False``, until none is left)."""
    options = {"install_signal_handlers": False, **options}
    async with connected(database_url) as app:
        await app.run_worker_async(additional_context={"session_factory": factory}, **options)


async def keep_worker_running(database_url: str, factory: async_sessionmaker[AsyncSession]) -> None:
    """Run a worker beside the API until cancelled; if the database goes away, start it again."""
    while True:
        try:
            await run_worker(database_url, factory)
        except Exception:
            logger.exception("the job worker stopped; starting it again in %s s", RESTART_AFTER_SECONDS)
            await asyncio.sleep(RESTART_AFTER_SECONDS)
