"""``/v1/interactions``: every visit, call, meeting, email and event, recorded."""

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response, status

from app.account_records.dependencies import scoped_service
from app.auth import policy
from app.auth.dependencies import CurrentPrincipal
from app.db import SessionDep
from app.interactions.schemas import InteractionCreate, InteractionListQuery, InteractionRead, InteractionUpdate
from app.interactions.service import InteractionService
from app.plumbing import idempotency
from app.plumbing.concurrency import IfMatch, set_etag
from app.plumbing.errors import problems
from app.plumbing.pagination import Page
from app.plumbing.responses import created_headers

router = APIRouter(prefix="/v1/interactions", tags=["interactions"], responses=problems(401, 422))

Service = Annotated[InteractionService, scoped_service(InteractionService)]


@router.get(
    "",
    name="interactions_list",
    description="Newest first. Contacts who took part must belong to the interaction's account.",
)
async def list_interactions(query: Annotated[InteractionListQuery, Query()], service: Service) -> Page[InteractionRead]:
    rows, next_cursor = await service.list_page(query)
    return Page(items=[InteractionRead.model_validate(row) for row in rows], next_cursor=next_cursor)


@router.post(
    "",
    name="interactions_create",
    status_code=status.HTTP_201_CREATED,
    response_model=InteractionRead,
    responses=problems(403, 409),
)
async def create_interaction(
    payload: InteractionCreate,
    request: Request,
    principal: CurrentPrincipal,
    service: Service,
    session: SessionDep,
    idempotency_key: idempotency.IdempotencyKey = None,
) -> Any:
    policy.require_writer(principal)

    async def create() -> tuple[InteractionRead, dict[str, str]]:
        interaction = await service.create(payload, datetime.now(UTC))
        return InteractionRead.model_validate(interaction), created_headers(
            request, "interactions_get", interaction.version, interaction_id=interaction.id
        )

    operation = f"interactions_create:{principal.user_id}"
    return await idempotency.respond_once(session, operation, idempotency_key, payload, create)


@router.get("/{interaction_id}", name="interactions_get", responses=problems(404))
async def get_interaction(interaction_id: uuid.UUID, response: Response, service: Service) -> InteractionRead:
    interaction = await service.get(interaction_id)
    set_etag(response, interaction.version)
    return InteractionRead.model_validate(interaction)


@router.patch("/{interaction_id}", name="interactions_update", responses=problems(403, 404, 409, 412))
async def update_interaction(
    interaction_id: uuid.UUID,
    payload: InteractionUpdate,
    response: Response,
    principal: CurrentPrincipal,
    service: Service,
    expected: IfMatch = None,
) -> InteractionRead:
    policy.require_writer(principal)
    interaction = await service.update(interaction_id, payload, expected, datetime.now(UTC))
    set_etag(response, interaction.version)
    return InteractionRead.model_validate(interaction)


@router.delete(
    "/{interaction_id}",
    name="interactions_delete",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problems(403, 404, 409, 412),
)
async def delete_interaction(
    interaction_id: uuid.UUID, principal: CurrentPrincipal, service: Service, expected: IfMatch = None
) -> Response:
    """Delete the record; the audit trail keeps what it held."""
    policy.require_writer(principal)
    await service.delete(interaction_id, expected)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
