"""``/v1/agenda``: the caller's day (a manager or admin may read anyone's)."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import PlainTextResponse

from app.account_records.dependencies import scoped_service
from app.agenda.markdown import to_markdown
from app.agenda.schemas import Agenda
from app.agenda.service import AgendaService
from app.glossary import AgendaKind
from app.plumbing.errors import problems
from app.plumbing.pagination import DEFAULT_LIMIT, MAX_LIMIT
from app.plumbing.readable import readable_for

router = APIRouter(prefix="/v1/agenda", tags=["agenda"], responses=problems(401, 403, 422))

Service = Annotated[AgendaService, scoped_service(AgendaService)]


@router.get(
    "",
    name="agenda_get",
    response_model=Agenda,
    responses={200: {"content": {"text/markdown": {"schema": {"type": "string"}}}}},
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
    JSON, or Markdown with `Accept: text/markdown`."""
    agenda, owner_name = await service.agenda_of(owner_id, kind or (), limit, cursor)
    if "text/markdown" in request.headers.get("accept", ""):
        return PlainTextResponse(
            to_markdown(agenda, owner_name, readable_for(request)), media_type="text/markdown; charset=utf-8"
        )
    return agenda
