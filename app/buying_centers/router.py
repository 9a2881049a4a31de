"""``/v1/accounts/{id}/buying-centers``: the units of an account that buy on their own."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status

from app.account_records.dependencies import scoped_service
from app.auth import policy
from app.auth.dependencies import CurrentPrincipal
from app.buying_centers.schemas import BuyingCenterCreate, BuyingCenterListQuery, BuyingCenterRead, BuyingCenterUpdate
from app.buying_centers.service import BuyingCenterService
from app.db import SessionDep
from app.plumbing import idempotency
from app.plumbing.concurrency import IfMatch, set_etag
from app.plumbing.errors import problems
from app.plumbing.pagination import Page

router = APIRouter(
    prefix="/v1/accounts/{account_id}/buying-centers", tags=["buying centers"], responses=problems(401, 404, 422)
)

Service = Annotated[BuyingCenterService, scoped_service(BuyingCenterService)]


@router.get("", name="buying_centers_list")
async def list_buying_centers(
    account_id: uuid.UUID, query: Annotated[BuyingCenterListQuery, Query()], service: Service
) -> Page[BuyingCenterRead]:
    """The account's recorded buying centers, by name. Its subsidiaries (accounts whose parent it is)
    count as buying centers too: the whitespace map shows them beside these."""
    rows, next_cursor = await service.account_page(account_id, query)
    return Page(items=[BuyingCenterRead.model_validate(row) for row in rows], next_cursor=next_cursor)


@router.post(
    "",
    name="buying_centers_create",
    status_code=status.HTTP_201_CREATED,
    response_model=BuyingCenterRead,
    responses=problems(403, 409),
)
async def create_buying_center(
    account_id: uuid.UUID,
    payload: BuyingCenterCreate,
    principal: CurrentPrincipal,
    service: Service,
    session: SessionDep,
    idempotency_key: idempotency.IdempotencyKey = None,
) -> Any:
    """Record a division, function or region of the account that buys on its own; its name is unique
    within the account."""
    policy.require_writer(principal)

    async def create() -> tuple[BuyingCenterRead, dict[str, str]]:
        return BuyingCenterRead.model_validate(await service.create(account_id, payload)), {}

    operation = f"buying_centers_create:{principal.user_id}:{account_id}"
    return await idempotency.respond_once(session, operation, idempotency_key, payload, create)


@router.get("/{center_id}", name="buying_centers_get")
async def get_buying_center(
    account_id: uuid.UUID, center_id: uuid.UUID, response: Response, service: Service
) -> BuyingCenterRead:
    center = await service.of_account(account_id, center_id)
    set_etag(response, center.version)
    return BuyingCenterRead.model_validate(center)


@router.patch("/{center_id}", name="buying_centers_update", responses=problems(403, 409, 412))
async def update_buying_center(
    account_id: uuid.UUID,
    center_id: uuid.UUID,
    payload: BuyingCenterUpdate,
    response: Response,
    principal: CurrentPrincipal,
    service: Service,
    expected: IfMatch = None,
) -> BuyingCenterRead:
    policy.require_writer(principal)
    center = await service.update(account_id, center_id, payload, expected)
    set_etag(response, center.version)
    return BuyingCenterRead.model_validate(center)


@router.delete(
    "/{center_id}",
    name="buying_centers_delete",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problems(403, 409, 412),
)
async def delete_buying_center(
    account_id: uuid.UUID, center_id: uuid.UUID, principal: CurrentPrincipal, service: Service, expected: IfMatch = None
) -> Response:
    policy.require_writer(principal)
    await service.delete(account_id, center_id, expected)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
