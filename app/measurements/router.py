"""``/v1/accounts/{id}/measurements``: engagement, loyalty and improvement over time."""

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status

from app.account_records.dependencies import scoped_service
from app.auth import policy
from app.auth.dependencies import CurrentPrincipal
from app.db import SessionDep
from app.measurements.schemas import MeasurementCreate, MeasurementListQuery, MeasurementRead
from app.measurements.service import MeasurementService
from app.plumbing import idempotency
from app.plumbing.errors import problems
from app.plumbing.pagination import Page

router = APIRouter(
    prefix="/v1/accounts/{account_id}/measurements", tags=["measurements"], responses=problems(401, 404, 422)
)


Service = Annotated[MeasurementService, scoped_service(MeasurementService)]


@router.get("", name="measurements_list")
async def list_measurements(
    account_id: uuid.UUID, query: Annotated[MeasurementListQuery, Query()], service: Service
) -> Page[MeasurementRead]:
    """Newest first."""
    rows, next_cursor = await service.account_page(account_id, query)
    return Page(items=[MeasurementRead.model_validate(row) for row in rows], next_cursor=next_cursor)


@router.post(
    "",
    name="measurements_create",
    status_code=status.HTTP_201_CREATED,
    response_model=MeasurementRead,
    responses=problems(403, 409),
)
async def create_measurement(
    account_id: uuid.UUID,
    payload: MeasurementCreate,
    principal: CurrentPrincipal,
    service: Service,
    session: SessionDep,
    idempotency_key: idempotency.IdempotencyKey = None,
) -> Any:
    policy.require_writer(principal)

    async def create() -> tuple[MeasurementRead, dict[str, str]]:
        return MeasurementRead.model_validate(await service.create(account_id, payload, datetime.now(UTC))), {}

    operation = f"measurements_create:{principal.user_id}:{account_id}"
    return await idempotency.respond_once(session, operation, idempotency_key, payload, create)


@router.delete(
    "/{measurement_id}",
    name="measurements_delete",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problems(403, 409),
)
async def delete_measurement(
    account_id: uuid.UUID, measurement_id: uuid.UUID, principal: CurrentPrincipal, service: Service
) -> Response:
    policy.require_writer(principal)
    await service.delete(account_id, measurement_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
