"""``/v1/offerings``: the catalog of what the company sells, read by everyone, kept by managers and admins."""

import uuid
from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response, status
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.dependencies import CurrentPrincipal
from app.db import LaggingSessionDep, SessionDep
from app.offerings.schemas import (
    OfferingBatchUpsert,
    OfferingCreate,
    OfferingListQuery,
    OfferingRead,
    OfferingUpdate,
)
from app.offerings.service import OfferingService
from app.plumbing import idempotency
from app.plumbing.batch import BATCH_RESPONSES, BatchResult, answer_batch
from app.plumbing.concurrency import IfMatch, set_etag
from app.plumbing.errors import problems
from app.plumbing.exports import LIST_EXPORTS, add_file_operations, export_list, export_media
from app.plumbing.pagination import Page
from app.plumbing.responses import created_headers

router = APIRouter(prefix="/v1/offerings", tags=["offerings"], responses=problems(401, 422))


async def offering_service(session: SessionDep, principal: CurrentPrincipal) -> OfferingService:
    return OfferingService(session, principal)


async def lagging_offering_service(session: LaggingSessionDep, principal: CurrentPrincipal) -> OfferingService:
    return OfferingService(session, principal)


Service = Annotated[OfferingService, Depends(offering_service)]


async def _page(service: OfferingService, query: OfferingListQuery) -> tuple[Sequence[OfferingRead], str | None]:
    offerings, next_cursor = await service.page(query)
    return [OfferingRead.model_validate(offering) for offering in offerings], next_cursor


@router.get("", name="offerings_list", response_model=Page[OfferingRead], responses=LIST_EXPORTS)
async def list_offerings(
    request: Request,
    query: Annotated[OfferingListQuery, Query()],
    principal: CurrentPrincipal,
    service: Annotated[OfferingService, Depends(lagging_offering_service)],
) -> Any:
    """The catalog, by name by default; the whole of it as CSV or Excel when `Accept` asks for it."""
    if media := export_media(request):

        def page_in(session: AsyncSession, current: OfferingListQuery) -> Any:
            return _page(OfferingService(session, principal), current)

        return await export_list(request, media, "offerings", OfferingRead, query, page_in)
    items, next_cursor = await _page(service, query)
    return Page(items=list(items), next_cursor=next_cursor)


@router.post(
    "",
    name="offerings_create",
    status_code=status.HTTP_201_CREATED,
    response_model=OfferingRead,
    responses=problems(403, 409),
)
async def create_offering(
    payload: OfferingCreate,
    request: Request,
    principal: CurrentPrincipal,
    service: Service,
    session: SessionDep,
    idempotency_key: idempotency.IdempotencyKey = None,
) -> Any:
    """Add an offering to the catalog (managers and admins); its `code` is unique."""

    async def create() -> tuple[OfferingRead, dict[str, str]]:
        offering = await service.create(payload)
        return OfferingRead.model_validate(offering), created_headers(
            request, "offerings_get", offering.version, offering_id=offering.id
        )

    return await idempotency.respond_once(
        session, f"offerings_create:{principal.user_id}", idempotency_key, payload, create
    )


@router.post("/batch/upsert", name="offerings_batch_upsert", response_model=BatchResult, responses=BATCH_RESPONSES)
async def upsert_offerings(
    payload: OfferingBatchUpsert,
    request: Request,
    principal: CurrentPrincipal,
    service: Service,
    session: SessionDep,
    idempotency_key: idempotency.IdempotencyKey = None,
) -> Any:
    """Create or replace up to 1,000 offerings by `external_id` (managers and admins). Results as for
    `POST /v1/accounts/batch/upsert`."""
    return await answer_batch(
        request,
        session,
        f"offerings_batch_upsert:{principal.user_id}",
        idempotency_key,
        payload,
        payload.items,
        service.prepare_upserts,
        service.upsert_one,
    )


@router.get("/{offering_id}", name="offerings_get", responses=problems(404))
async def get_offering(offering_id: uuid.UUID, response: Response, service: Service) -> OfferingRead:
    offering = await service.get(offering_id)
    set_etag(response, offering.version)
    return OfferingRead.model_validate(offering)


@router.patch("/{offering_id}", name="offerings_update", responses=problems(403, 404, 409, 412))
async def update_offering(
    offering_id: uuid.UUID,
    payload: OfferingUpdate,
    response: Response,
    service: Service,
    expected: IfMatch = None,
) -> OfferingRead:
    """Change an offering (managers and admins); `active: false` takes it out of sale, its history stays."""
    offering = await service.update(offering_id, payload, expected)
    set_etag(response, offering.version)
    return OfferingRead.model_validate(offering)


# Each answer that is a file by `Accept` is also an operation of its own (a generated client's function).
add_file_operations(router)
