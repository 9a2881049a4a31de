"""``/v1/follow-ups``: every promised follow-up, kept on purpose, so none is forgotten."""

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from app.account_records.dependencies import scoped_service
from app.account_records.exports import export_records
from app.auth import policy
from app.auth.dependencies import CurrentPrincipal
from app.follow_ups.schemas import FollowUpListQuery, FollowUpRead, FollowUpUpdate
from app.follow_ups.service import FollowUpService
from app.plumbing.concurrency import IfMatch, set_etag
from app.plumbing.errors import problems
from app.plumbing.exports import LIST_EXPORTS, add_file_operations, export_media
from app.plumbing.pagination import Page

router = APIRouter(prefix="/v1/follow-ups", tags=["follow-ups"], responses=problems(401, 422))

Service = Annotated[FollowUpService, scoped_service(FollowUpService)]


async def _follow_ups_page(service: FollowUpService, query: FollowUpListQuery) -> tuple[list[FollowUpRead], str | None]:
    return await service.page(query)


@router.get("", name="follow_ups_list", response_model=Page[FollowUpRead], responses=LIST_EXPORTS)
async def list_follow_ups(request: Request, query: Annotated[FollowUpListQuery, Query()], service: Service) -> Any:
    """Follow-ups, the earliest due first (open ones unless `status` says otherwise): an interaction's
    `next_contact_at` is a promise, open until it is marked done or dropped, or an interaction that
    names it in `keeps_follow_up_ids` is recorded. Scoped like the accounts they belong to. The whole
    list as CSV or Excel when `Accept` asks for it."""
    if media := export_media(request):
        return await export_records(
            request, media, "follow-ups", FollowUpRead, query, service.accounts, FollowUpService, _follow_ups_page
        )
    items, next_cursor = await service.page(query)
    return Page(items=items, next_cursor=next_cursor)


@router.get("/{follow_up_id}", name="follow_ups_get", responses=problems(404))
async def get_follow_up(follow_up_id: uuid.UUID, response: Response, service: Service) -> FollowUpRead:
    follow_up = await service.one(follow_up_id)
    set_etag(response, follow_up.version)
    return follow_up


@router.patch("/{follow_up_id}", name="follow_ups_update", responses=problems(403, 404, 409, 412))
async def update_follow_up(
    follow_up_id: uuid.UUID,
    payload: FollowUpUpdate,
    response: Response,
    principal: CurrentPrincipal,
    service: Service,
    expected: IfMatch = None,
) -> FollowUpRead:
    """Mark the follow-up `done` or `dropped` (who and when are recorded, and audited), or `open`
    again. `If-Match` guards against marking one another request just changed."""
    policy.require_writer(principal)
    follow_up = await service.update(follow_up_id, payload, expected, datetime.now(UTC))
    set_etag(response, follow_up.version)
    return follow_up


# Each answer that is a file by `Accept` is also an operation of its own (a generated client's function).
add_file_operations(router)
