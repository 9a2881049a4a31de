"""SQL for background jobs."""

import uuid

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.jobs.queue import WAKE_REEVALUATION
from app.models import Job

REEVALUATION = "rules_reevaluation"


class JobRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, job_id: uuid.UUID, *, for_update: bool = False) -> Job | None:
        return await self.session.get(Job, job_id, with_for_update=for_update)

    async def add(self, job: Job) -> Job:
        """Store the job; a re-evaluation wakes a worker after the commit."""
        self.session.add(job)
        await self.session.flush()
        if job.kind == REEVALUATION:
            self.session.info[WAKE_REEVALUATION] = True
        return job

    async def newest_unfinished_reevaluation(self) -> Job | None:
        statement = (
            select(Job)
            .where(Job.kind == REEVALUATION, Job.finished_at.is_(None))
            .order_by(Job.rules_version.desc())
            .limit(1)
        )
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def supersede_older(self, version: int) -> None:
        """Re-evaluations for versions before ``version`` end: theirs is no longer the one to reach."""
        await self.session.execute(
            update(Job)
            .where(Job.kind == REEVALUATION, Job.finished_at.is_(None), Job.rules_version < version)
            .values(status="superseded", finished_at=func.statement_timestamp())
        )

    async def add_progress(self, job_id: uuid.UUID, accounts_done: int) -> None:
        await self.session.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(accounts_done=Job.accounts_done + accounts_done)
            .execution_options(synchronize_session=False)
        )
