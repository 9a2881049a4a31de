"""``/v1/rules``: read the rules configuration in force, or replace it."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status

from app.auth.dependencies import CurrentPrincipal
from app.db import SessionDep
from app.jobs.schemas import JobRead
from app.plumbing.concurrency import IfMatch, set_etag
from app.plumbing.errors import problems
from app.rules.document import RulesConfig, RulesDocument
from app.rules_versions.service import RulesService

router = APIRouter(prefix="/v1/rules", tags=["rules"], responses=problems(401))


async def rules_service(session: SessionDep) -> RulesService:
    return RulesService(session)


Service = Annotated[RulesService, Depends(rules_service)]


@router.get("", name="rules_get")
async def get_rules(service: Service, principal: CurrentPrincipal, response: Response) -> RulesConfig:
    rules = await service.current()
    set_etag(response, rules.version)
    return rules


@router.put(
    "",
    name="rules_replace",
    status_code=status.HTTP_202_ACCEPTED,
    responses=problems(400, 403, 409, 412, 413, 422),
)
async def replace_rules_document(
    document: RulesDocument,
    request: Request,
    service: Service,
    principal: CurrentPrincipal,
    response: Response,
    expected: IfMatch = None,
) -> JobRead:
    """Admins: replace the whole configuration. Answers at once with the job that re-evaluates every
    account by the new version (`Location`: the job, `ETag`: the new version): health, cadence and
    reviews due follow it at once; stored scores, computed tiers, promotions and pending reviews as
    the job reaches each account (each shows its `rules_version`)."""
    rules, job = await service.replace(document, expected, datetime.now(UTC), principal)
    set_etag(response, rules.version)
    response.headers["Location"] = str(request.url_for("jobs_get", job_id=job.id))
    return JobRead.model_validate(job)
