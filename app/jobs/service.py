"""Reading a background job's progress."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import policy
from app.auth.principal import Principal
from app.jobs.repository import JobRepository
from app.models import Job
from app.plumbing.errors import NotFound


class JobService:
    def __init__(self, session: AsyncSession, principal: Principal) -> None:
        self.repository = JobRepository(session)
        self.principal = principal

    async def get(self, job_id: uuid.UUID) -> Job:
        policy.check_job_reader(self.principal)
        job = await self.repository.get(job_id)
        if job is None:
            raise NotFound(f"No job with id {job_id}.")
        return job
