"""``/v1/follow-ups``: every promised follow-up not yet kept, so none is forgotten."""

from typing import Annotated

from fastapi import APIRouter, Query

from app.follow_ups.schemas import FollowUpListQuery, FollowUpRead
from app.follow_ups.service import FollowUpService
from app.kit.errors import problems
from app.kit.pagination import Page
from app.scoped.dependencies import scoped_service

router = APIRouter(prefix="/v1/follow-ups", tags=["follow-ups"], responses=problems(401, 422))

Service = Annotated[FollowUpService, scoped_service(FollowUpService)]


@router.get("", name="follow_ups_list")
async def list_follow_ups(query: Annotated[FollowUpListQuery, Query()], service: Service) -> Page[FollowUpRead]:
    """Open follow-ups, the earliest due first: an interaction's `next_contact_at` is a promise, kept
    when a later interaction with the account is recorded. Scoped like the accounts they belong to."""
    items, next_cursor = await service.list_page(query)
    return Page(items=items, next_cursor=next_cursor)
