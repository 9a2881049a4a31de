"""``/v1/accounts/{id}/whitespace``: the account's buying centers against the catalog."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import PlainTextResponse

from app.account_records.dependencies import lagging_scoped_service, scoped_service
from app.auth import policy
from app.auth.dependencies import CurrentPrincipal
from app.glossary import Tier
from app.plumbing.errors import problems
from app.plumbing.exports import CSV, XLSX, add_file_operations, export_media, export_report, wants_markdown
from app.plumbing.readable import readable_for
from app.whitespace.markdown import to_markdown
from app.whitespace.schemas import CellDecision, CellDecisionRead, PortfolioWhitespace, WhitespaceMap
from app.whitespace.service import WhitespaceService

router = APIRouter(
    prefix="/v1/accounts/{account_id}/whitespace", tags=["whitespace"], responses=problems(401, 404, 422)
)


@router.get(
    "",
    name="whitespace_get",
    response_model=WhitespaceMap,
    responses={
        200: {
            "content": {media: {"schema": {"type": "string"}} for media in ("text/markdown", CSV, XLSX)},
            "description": "The map; Markdown, CSV or Excel when `Accept` asks.",
        }
    },
)
async def get_whitespace(
    account_id: uuid.UUID,
    request: Request,
    service: Annotated[WhitespaceService, lagging_scoped_service(WhitespaceService)],
) -> Any:
    """The whitespace map: rows are the account as a whole, its buying centers and its subsidiaries;
    columns the active offerings. Each cell is `owned` (bought in the latest complete year),
    `pipeline` (open opportunities), `not_eligible` (set aside by the KAM) or a `gap`, with what peers
    say a gap could bring. JSON, or Markdown, CSV or Excel by `Accept`."""
    whitespace = await service.map(account_id)
    if wants_markdown(request):
        name = next(row.name for row in whitespace.rows if row.kind == "account")
        document = to_markdown(whitespace, name, readable_for(request))
        return PlainTextResponse(document, media_type="text/markdown; charset=utf-8")
    if media := export_media(request):
        return export_report(media, "whitespace", whitespace)
    return whitespace


@router.put("/{row}/{offering_id}", name="whitespace_cell_replace", responses=problems(403, 409))
async def decide_cell(
    account_id: uuid.UUID,
    row: Annotated[
        str,
        Path(
            max_length=36, description="`account` for the account as a whole, or a buying center's or subsidiary's id."
        ),
    ],
    offering_id: uuid.UUID,
    payload: CellDecision,
    principal: CurrentPrincipal,
    service: Annotated[WhitespaceService, scoped_service(WhitespaceService)],
) -> CellDecisionRead:
    """Set a cell aside as not eligible, with why (the row cannot buy the offering), or make it count
    again (`not_eligible: false`). Cells owned or in the pipeline stay so whatever is set."""
    policy.require_writer(principal)
    return await service.decide(account_id, row, offering_id, payload)


portfolio_router = APIRouter(prefix="/v1/reports", tags=["reports"], responses=problems(401, 422))


@portfolio_router.get(
    "/whitespace",
    name="reports_whitespace_get",
    response_model=PortfolioWhitespace,
    responses={
        200: {
            "content": {media: {"schema": {"type": "string"}} for media in (CSV, XLSX)},
            "description": "The report; CSV or Excel when `Accept` asks.",
        }
    },
)
async def portfolio_whitespace(
    request: Request,
    service: Annotated[WhitespaceService, lagging_scoped_service(WhitespaceService)],
    owner_id: Annotated[uuid.UUID | None, Query(description="Only this owner's accounts.")] = None,
    tier: Annotated[Tier | None, Query(description="Only accounts of this tier.")] = None,
    industry: Annotated[str | None, Query(max_length=200, description="Only accounts of this industry.")] = None,
    limit: Annotated[int, Query(ge=1, le=200, description="Accounts listed at most.")] = 20,
) -> Any:
    """The portfolio's whitespace: per active offering, the accounts that own it, have it in the
    pipeline, set it aside or leave a gap, with the key accounts' penetration; and the accounts with
    the largest whitespace value (their gaps have no open opportunity), each with its largest gap."""
    report = await service.portfolio(owner_id, tier, industry, limit)
    if media := export_media(request):
        return export_report(media, "whitespace", report)
    return report


# Each answer that is a file by `Accept` is also an operation of its own (a generated client's function).
add_file_operations(router)
add_file_operations(portfolio_router)
