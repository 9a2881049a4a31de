"""``/v1/agenda``: the caller's day (a manager or admin may read anyone's)."""

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import PlainTextResponse

from app.account_records.dependencies import scoped_service
from app.agenda.markdown import to_markdown
from app.agenda.schemas import Agenda, CalendarLinkCreated
from app.agenda.service import AgendaService, CalendarLinks
from app.auth.dependencies import CurrentPrincipal
from app.db import SessionDep
from app.glossary import AgendaKind
from app.plumbing.errors import problems
from app.plumbing.exports import CSV, XLSX, add_file_operations, export_media, export_report, wants_markdown
from app.plumbing.pagination import DEFAULT_LIMIT, MAX_LIMIT
from app.plumbing.readable import readable_for

router = APIRouter(prefix="/v1/agenda", tags=["agenda"], responses=problems(401, 403, 422))

Service = Annotated[AgendaService, scoped_service(AgendaService)]


@router.get(
    "",
    name="agenda_get",
    response_model=Agenda,
    responses={
        200: {
            "content": {media: {"schema": {"type": "string"}} for media in ("text/markdown", CSV, XLSX)},
            "description": "The page of the agenda; Markdown, CSV or Excel when `Accept` asks.",
        }
    },
)
async def get_agenda(
    request: Request,
    service: Service,
    owner_id: Annotated[
        uuid.UUID | None, Query(description="Whose agenda (managers and admins); default the caller's.")
    ] = None,
    kind: Annotated[
        list[AgendaKind] | None, Query(description="Only items of these kinds (repeat for several); counts stay whole.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size.")] = DEFAULT_LIMIT,
    cursor: Annotated[
        str | None, Query(max_length=1000, description="`next_cursor` of the previous page (same `kind`).")
    ] = None,
) -> Any:
    """What to do today, most urgent first: reviews overdue and due within 14 days, follow-ups due,
    plan actions due or overdue that the owner holds, accounts that are red, demotions awaiting a
    decision (on a manager's or admin's agenda) and promotion candidates; each with its account, why
    and its date. A page at a time (50 by default), with the counts of the whole agenda per kind.
    JSON, or Markdown, CSV or Excel by `Accept`."""
    agenda, owner_name = await service.agenda_of(owner_id, kind or (), limit, cursor)
    if wants_markdown(request):
        return PlainTextResponse(
            to_markdown(agenda, owner_name, readable_for(request)), media_type="text/markdown; charset=utf-8"
        )
    if media := export_media(request):
        return export_report(media, "agenda", agenda)
    return agenda


@router.post("/calendar-link", name="calendar_link_create", status_code=201)
async def create_calendar_link(
    request: Request, principal: CurrentPrincipal, session: SessionDep
) -> CalendarLinkCreated:
    """A personal, read-only link to the caller's agenda as a calendar feed (iCalendar): the next
    review of each account they own, their open follow-ups and plan actions for the next 180 days.
    Asking again gives a new link and ends the old one."""
    link, key = await CalendarLinks(session).renew(principal)
    url = str(request.url_for("calendar_feed_get")) + "?" + urlencode({"key": key})
    return CalendarLinkCreated(url=url, key=key, created_at=link.created_at)


@router.delete("/calendar-link", name="calendar_link_delete", status_code=204, responses=problems(404))
async def delete_calendar_link(principal: CurrentPrincipal, session: SessionDep) -> Response:
    """Revoke the caller's calendar link: calendars subscribed to it get nothing more."""
    await CalendarLinks(session).revoke(principal)
    return Response(status_code=204)


# The feed is fetched by calendar servers, which send no Authorization header: its key is the credential.
calendar_feed = APIRouter(tags=["agenda"])


@calendar_feed.get(
    "/v1/agenda.ics",
    name="calendar_feed_get",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {"schema": {"type": "string"}}}}, **problems(404, 422)},
)
async def get_calendar_feed(
    session: SessionDep,
    key: Annotated[str, Query(min_length=1, max_length=200, description="The key of a calendar link.")],
) -> Response:
    """The agenda of the link's owner as an iCalendar feed, for calendars to subscribe to."""
    body = await CalendarLinks(session).feed(key, datetime.now(UTC))
    return Response(body, media_type="text/calendar; charset=utf-8", headers={"Cache-Control": "private, max-age=300"})


# Each answer that is a file by `Accept` is also an operation of its own (a generated client's function).
add_file_operations(router)
