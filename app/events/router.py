"""``/v1/events``: the feed of what changed, for systems that pull."""

from typing import Annotated

import orjson
from fastapi import APIRouter, Depends, Query, Response

from app.auth.dependencies import CurrentPrincipal
from app.db import SessionDep
from app.events.schemas import EventFeed, EventFeedQuery
from app.events.service import EventService
from app.plumbing.errors import problems

router = APIRouter(prefix="/v1/events", tags=["events"], responses=problems(401, 422))


async def event_service(session: SessionDep, principal: CurrentPrincipal) -> EventService:
    return EventService(session, principal)


@router.get("", name="events_list", response_model=EventFeed)
async def list_events(
    query: Annotated[EventFeedQuery, Query()], service: Annotated[EventService, Depends(event_service)]
) -> Response:
    """What changed, oldest first, as far as the caller may see: each event once, in the order the
    changes committed, none skipped for having committed late. Pass `next_cursor` as `after` to read
    on; with `has_more` false, poll again later from there."""
    # Sent as written: each event's data is already its type's read model (see event_document).
    return Response(orjson.dumps(await service.feed(query), option=orjson.OPT_UTC_Z), media_type="application/json")
