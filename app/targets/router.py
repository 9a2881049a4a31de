"""``/v1/targets/{year}``: a year's key-account targets and the revenue target per owner."""

from typing import Annotated

from fastapi import APIRouter, Depends, Response, status

from app.auth.dependencies import CurrentPrincipal
from app.db import SessionDep
from app.plumbing.concurrency import IfMatch, set_etag
from app.plumbing.errors import problems
from app.targets.schemas import TargetRead, TargetWrite, Year
from app.targets.service import TargetService

router = APIRouter(prefix="/v1/targets", tags=["targets"], responses=problems(401, 422))


async def target_service(session: SessionDep, principal: CurrentPrincipal) -> TargetService:
    return TargetService(session, principal)


Service = Annotated[TargetService, Depends(target_service)]


@router.get("/{year}", name="targets_get", responses=problems(404))
async def get_targets(year: Year, response: Response, service: Service) -> TargetRead:
    """The year's targets; everyone may read them."""
    target = await service.get(year)
    set_etag(response, target.version)
    return TargetRead.model_validate(target)


@router.put(
    "/{year}",
    name="targets_replace",
    responses={201: {"model": TargetRead, "description": "Created"}, **problems(403, 409, 412)},
)
async def put_targets(
    year: Year, payload: TargetWrite, response: Response, service: Service, expected: IfMatch = None
) -> TargetRead:
    """Set the year's targets (managers and admins): every figure at once, those left out cleared.
    201 when new, 200 when replaced; `If-Match` with the version read guards against a lost update."""
    target, created = await service.put(year, payload, expected)
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    set_etag(response, target.version)
    return TargetRead.model_validate(target)
