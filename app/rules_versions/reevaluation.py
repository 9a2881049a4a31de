"""Bringing every account to a new rules version, in the background: a rules change stores the
version and a job, and answers at once; a worker then re-evaluates the accounts a committed batch at
a time (see ``AccountService.reevaluate_batch``), the job telling its progress.

Any worker may run it, and several at once, each in a few lanes: a batch locks its accounts and
skips those another batch holds, and takes only accounts still behind the version, so none is done
twice. A worker killed midway leaves the job running; the minute's sweep (or the next rules change)
carries it on from where the committed batches left it. A newer rules version supersedes the job:
its own job re-evaluates every account from the start.
"""

import asyncio
import logging
import uuid
from datetime import UTC, datetime

from procrastinate import JobContext
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.accounts.service import AccountService
from app.auth.policy import SYSTEM
from app.jobs.queue import REEVALUATION, REEVALUATION_LOCK, REEVALUATION_TASK, defer_dispatch, tasks
from app.jobs.repository import JobRepository
from app.models import Job
from app.plumbing.database_errors import database_unavailable
from app.plumbing.transactions import transaction
from app.rules_versions.repository import RulesRepository

# Batches are written by this many lanes at once, each in its own transaction: most of a batch's time
# is the database writing the accounts' index entries, which it does for several lanes in parallel.
LANES = 2

# A rules change wakes the re-evaluation at once; each minute picks up one a killed worker left.
REEVALUATION_CRON = "* * * * *"

logger = logging.getLogger(__name__)


async def reevaluate(factory: async_sessionmaker[AsyncSession], lanes: int = LANES) -> bool:
    """Run the newest unfinished re-evaluation to its end, in ``lanes`` concurrent sessions of
    ``factory``; whether there was one."""
    async with transaction(factory) as session:
        jobs = JobRepository(session)
        job = await jobs.newest_unfinished_reevaluation()
        if job is None:
            return False
        await jobs.supersede_older(job.rules_version or 0)
        if job.started_at is None:
            rules = await RulesRepository(session).current()
            job.status, job.started_at = "running", datetime.now(UTC)
            job.accounts_total = await AccountService(session, rules, job.started_at, SYSTEM).behind_rules()
        job_id = job.id
    try:
        await _run(factory, job_id, lanes)
    except Exception as error:
        if database_unavailable(error):
            raise  # left running: the next sweep carries it on
        logger.exception("the re-evaluation %s failed", job_id)
        async with transaction(factory) as session:
            failed = await JobRepository(session).get(job_id, for_update=True)
            if failed is not None and failed.finished_at is None:
                failed.status, failed.finished_at, failed.error = "failed", datetime.now(UTC), str(error)[:2000]
    return True


async def _run(factory: async_sessionmaker[AsyncSession], job_id: uuid.UUID, lanes: int) -> None:
    try:
        async with asyncio.TaskGroup() as group:
            for _ in range(lanes):
                group.create_task(_lane(factory, job_id))
    except ExceptionGroup as errors:
        raise errors.exceptions[0] from None  # the first lane's failure; the others were stopped
    async with transaction(factory) as session:
        job = await JobRepository(session).get(job_id, for_update=True)
        if job is None or job.finished_at is not None:
            return  # another worker finished it, or a newer version superseded it
        rules = await RulesRepository(session).current()
        now = datetime.now(UTC)
        if rules.version != job.rules_version:
            _finish(job, "superseded", now)
        elif not await AccountService(session, rules, now, SYSTEM).behind_rules():
            _finish(job, "succeeded", now)
        # Otherwise accounts another transaction holds are left: the next sweep takes them.


async def _lane(factory: async_sessionmaker[AsyncSession], job_id: uuid.UUID) -> None:
    """Batch after batch until none is left to take (or the job ended); the batches another lane or
    worker holds are skipped, not waited for."""
    after: uuid.UUID | None = None
    while True:
        async with transaction(factory) as session:
            jobs = JobRepository(session)
            job = await jobs.get(job_id)
            if job is None or job.finished_at is not None:
                return
            rules = await RulesRepository(session).current()
            if rules.version != job.rules_version:
                return  # a newer version supersedes the job
            done, after = await AccountService(session, rules, datetime.now(UTC), SYSTEM).reevaluate_batch(after)
            if done == 0:
                return
            # Last, so the job's row is locked only while the batch commits and lanes do not wait on it.
            # The events of what the batch changed follow, in its commit (app/unit_of_work).
            await jobs.add_progress(job_id, done)


def _finish(job: Job, status: str, now: datetime) -> None:
    job.status, job.finished_at = status, now


@tasks.periodic(cron=REEVALUATION_CRON)
@tasks.task(name=REEVALUATION_TASK, queue=REEVALUATION, queueing_lock=REEVALUATION_LOCK, pass_context=True)
async def reevaluate_accounts(context: JobContext, timestamp: int) -> None:
    """Bring every account to the rules in force (after a rules change), a committed batch at a time."""
    factory: async_sessionmaker[AsyncSession] = context.additional_context["session_factory"]
    if await reevaluate(factory):
        await defer_dispatch(context.app)
