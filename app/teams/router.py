"""``/v1/accounts/{id}/team``: who works the account, in which role."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from app.account_records.dependencies import scoped_service
from app.auth import policy
from app.auth.dependencies import CurrentPrincipal
from app.plumbing.concurrency import IfMatch, set_etag
from app.plumbing.errors import problems
from app.plumbing.pagination import Page
from app.teams.schemas import TeamListQuery, TeamMemberCreate, TeamMemberRead, TeamMemberUpdate
from app.teams.service import TeamService

router = APIRouter(prefix="/v1/accounts/{account_id}/team", tags=["teams"], responses=problems(401, 404, 422))


Service = Annotated[TeamService, scoped_service(TeamService)]


@router.get("", name="team_members_list")
async def list_team_members(
    account_id: uuid.UUID, query: Annotated[TeamListQuery, Query()], service: Service
) -> Page[TeamMemberRead]:
    members, next_cursor = await service.list_page(account_id, query)
    return Page(items=[TeamMemberRead.model_validate(member) for member in members], next_cursor=next_cursor)


@router.post("", name="team_members_create", status_code=status.HTTP_201_CREATED, responses=problems(403, 409))
async def add_team_member(
    account_id: uuid.UUID, payload: TeamMemberCreate, response: Response, principal: CurrentPrincipal, service: Service
) -> TeamMemberRead:
    """Put a user on the account's team. A team of 5 or more makes the review cadence one step more frequent."""
    policy.require_writer(principal)
    member = await service.add(account_id, payload)
    set_etag(response, member.version)
    return TeamMemberRead.model_validate(member)


@router.patch("/{user_id}", name="team_members_update", responses=problems(403, 409, 412))
async def update_team_member(
    account_id: uuid.UUID,
    user_id: uuid.UUID,
    payload: TeamMemberUpdate,
    response: Response,
    principal: CurrentPrincipal,
    service: Service,
    expected: IfMatch = None,
) -> TeamMemberRead:
    policy.require_writer(principal)
    member = await service.update(account_id, user_id, payload, expected)
    set_etag(response, member.version)
    return TeamMemberRead.model_validate(member)


@router.delete(
    "/{user_id}",
    name="team_members_delete",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problems(403, 409, 412),
)
async def remove_team_member(
    account_id: uuid.UUID, user_id: uuid.UUID, principal: CurrentPrincipal, service: Service, expected: IfMatch = None
) -> Response:
    """Take the user off the team; refused while the account is archived (restore it first)."""
    policy.require_writer(principal)
    await service.remove(account_id, user_id, expected)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
