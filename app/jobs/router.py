"""HTTP endpoints for background jobs."""

import uuid

from fastapi import APIRouter

from app.auth.dependencies import CurrentPrincipal
from app.db import SessionDep
from app.jobs.schemas import JobRead
from app.jobs.service import JobService
from app.plumbing.errors import problems

router = APIRouter(prefix="/v1/jobs", tags=["jobs"], responses=problems(401))


@router.get("/{job_id}", name="jobs_get", responses=problems(403, 404, 422))
async def get_job(job_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal) -> JobRead:
    """Admins and managers: a background job's progress (a rules change answers with its job's URL)."""
    return JobRead.model_validate(await JobService(session, principal).get(job_id))
