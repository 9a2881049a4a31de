"""``/v1/accounts/{id}/financials``: revenue and cost to serve per period."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from app.account_records.dependencies import scoped_service
from app.auth import policy
from app.auth.dependencies import CurrentPrincipal
from app.financials.schemas import FinancialListQuery, FinancialRead, FinancialWrite, Period
from app.financials.service import FinancialService
from app.plumbing.concurrency import IfMatch, set_etag
from app.plumbing.errors import problems
from app.plumbing.pagination import Page

router = APIRouter(
    prefix="/v1/accounts/{account_id}/financials", tags=["financials"], responses=problems(401, 404, 422)
)


Service = Annotated[FinancialService, scoped_service(FinancialService)]


@router.get("", name="financials_list")
async def list_financials(
    account_id: uuid.UUID, query: Annotated[FinancialListQuery, Query()], service: Service
) -> Page[FinancialRead]:
    """The account's periods in order: years and quarters (`2025`, `2025-Q1`, ... `2026`)."""
    rows, next_cursor = await service.account_page(account_id, query)
    return Page(items=await service.reads(rows), next_cursor=next_cursor)


@router.put(
    "/{period}",
    name="financials_replace",
    responses={201: {"model": FinancialRead, "description": "Created"}, **problems(403, 409, 412)},
)
async def put_financials(
    account_id: uuid.UUID,
    period: Period,
    payload: FinancialWrite,
    response: Response,
    principal: CurrentPrincipal,
    service: Service,
    expected: IfMatch = None,
) -> FinancialRead:
    """Set the revenue and cost to serve of a year or a quarter, and what it came from (`lines`, per
    offering and buying center): 201 when new, 200 when replaced."""
    policy.require_writer(principal)
    record, created = await service.put(account_id, period, payload, expected)
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    set_etag(response, record.version)
    return (await service.reads([record]))[0]


@router.delete(
    "/{period}", name="financials_delete", status_code=status.HTTP_204_NO_CONTENT, responses=problems(403, 409, 412)
)
async def delete_financials(
    account_id: uuid.UUID, period: Period, principal: CurrentPrincipal, service: Service, expected: IfMatch = None
) -> Response:
    policy.require_writer(principal)
    await service.delete(account_id, period, expected)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
