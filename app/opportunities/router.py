"""``/v1/opportunities``: the pipeline."""

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response, status

from app.account_records.dependencies import scoped_service
from app.account_records.exports import export_records
from app.account_records.router import listed_route
from app.auth import policy
from app.auth.dependencies import CurrentPrincipal
from app.db import SessionDep
from app.opportunities.repository import OpportunityRepository
from app.opportunities.schemas import (
    ExceptionApprovalCreate,
    OpportunityBatchUpsert,
    OpportunityCreate,
    OpportunityListQuery,
    OpportunityRead,
    OpportunityReopen,
    OpportunityUpdate,
)
from app.opportunities.service import OpportunityService, opportunity_fields
from app.plumbing import idempotency
from app.plumbing.batch import BATCH_RESPONSES, BatchResult, answer_batch
from app.plumbing.concurrency import IfMatch, set_etag
from app.plumbing.errors import problems
from app.plumbing.exports import LIST_EXPORTS, add_file_operations, export_media
from app.plumbing.pagination import Page
from app.plumbing.plain_rows import Columns
from app.plumbing.responses import created_headers, page_response
from app.plumbing.routes import PlainRoute
from app.rules.document import RulesConfig

router = APIRouter(prefix="/v1/opportunities", tags=["opportunities"], responses=problems(401, 422))


Service = Annotated[OpportunityService, scoped_service(OpportunityService)]


async def _opportunities_page(
    service: OpportunityService, query: OpportunityListQuery
) -> tuple[list[OpportunityRead], str | None]:
    rows, next_cursor = await service.list_page(query)
    return await service.reads(rows), next_cursor


def _listed_fields(opportunity: Columns, rules: RulesConfig) -> dict[str, Any]:
    return opportunity_fields(opportunity, opportunity.account_tier, rules)


def hot_routes() -> list[PlainRoute]:
    """The pipeline's list, served ahead of FastAPI's routing (see ``listed_route``): on the primary,
    beside the caller, as its documented route reads it."""
    return [
        listed_route(
            "/v1/opportunities", "opportunities_list", OpportunityRepository, _listed_fields, OpportunityListQuery
        )
    ]


@router.get("", name="opportunities_list", response_model=Page[OpportunityRead], responses=LIST_EXPORTS)
async def list_opportunities(
    request: Request,
    query: Annotated[OpportunityListQuery, Query()],
    service: Service,
) -> Any:
    """Opportunities; the whole list as CSV or Excel when `Accept` asks for it."""
    if media := export_media(request):
        return await export_records(
            request,
            media,
            "opportunities",
            OpportunityRead,
            query,
            service.accounts,
            OpportunityService,
            _opportunities_page,
        )
    # Serialised once, from the fields.
    rows, next_cursor = await service.list_page(query)
    return page_response(await service.fields_of(rows), next_cursor)


@router.post(
    "",
    name="opportunities_create",
    status_code=status.HTTP_201_CREATED,
    response_model=OpportunityRead,
    responses=problems(403, 409),
)
async def create_opportunity(
    payload: OpportunityCreate,
    request: Request,
    principal: CurrentPrincipal,
    service: Service,
    session: SessionDep,
    idempotency_key: idempotency.IdempotencyKey = None,
) -> Any:
    policy.require_writer(principal)

    async def create() -> tuple[OpportunityRead, dict[str, str]]:
        opportunity = await service.create(payload, datetime.now(UTC), principal.user_id)
        return await service.read_one(opportunity), created_headers(
            request, "opportunities_get", opportunity.version, opportunity_id=opportunity.id
        )

    operation = f"opportunities_create:{principal.user_id}"
    return await idempotency.respond_once(session, operation, idempotency_key, payload, create)


@router.post(
    "/batch/upsert",
    name="opportunities_batch_upsert",
    response_model=BatchResult,
    responses=BATCH_RESPONSES,
)
async def upsert_opportunities(
    payload: OpportunityBatchUpsert,
    request: Request,
    principal: CurrentPrincipal,
    service: Service,
    session: SessionDep,
    idempotency_key: idempotency.IdempotencyKey = None,
) -> Any:
    """Create or replace up to 1,000 opportunities by `external_id`, each under the account it names
    by `account_id` or `account_external_id`. Results as for `POST /v1/accounts/batch/upsert`."""
    policy.require_writer(principal)
    now = datetime.now(UTC)
    return await answer_batch(
        request,
        session,
        f"opportunities_batch_upsert:{principal.user_id}",
        idempotency_key,
        payload,
        payload.items,
        lambda items: service.prepare_upserts(items, now, principal.user_id),
        lambda item: service.upsert_one(item, now, principal.user_id),
    )


@router.get("/{opportunity_id}", name="opportunities_get", responses=problems(404))
async def get_opportunity(opportunity_id: uuid.UUID, response: Response, service: Service) -> OpportunityRead:
    opportunity = await service.get(opportunity_id)
    set_etag(response, opportunity.version)
    return await service.read_one(opportunity)


@router.patch("/{opportunity_id}", name="opportunities_update", responses=problems(403, 404, 409, 412))
async def update_opportunity(
    opportunity_id: uuid.UUID,
    payload: OpportunityUpdate,
    response: Response,
    principal: CurrentPrincipal,
    service: Service,
    expected: IfMatch = None,
) -> OpportunityRead:
    """Closing sets `closed_at`; `closed_lost` needs a `loss_reason`; a closed opportunity changes stage
    only through reopen."""
    policy.require_writer(principal)
    opportunity = await service.update(opportunity_id, payload, expected, datetime.now(UTC))
    set_etag(response, opportunity.version)
    return await service.read_one(opportunity)


@router.post("/{opportunity_id}/reopen", name="opportunities_reopen", responses=problems(403, 404, 409, 412))
async def reopen_opportunity(
    opportunity_id: uuid.UUID,
    response: Response,
    principal: CurrentPrincipal,
    service: Service,
    payload: OpportunityReopen | None = None,
    expected: IfMatch = None,
) -> OpportunityRead:
    policy.require_writer(principal)
    opportunity = await service.reopen(opportunity_id, payload or OpportunityReopen(), expected)
    set_etag(response, opportunity.version)
    return await service.read_one(opportunity)


@router.post(
    "/{opportunity_id}/exception-approvals",
    name="opportunity_exception_approvals_create",
    responses=problems(403, 404, 409),
)
async def approve_policy_exceptions(
    opportunity_id: uuid.UUID,
    payload: ExceptionApprovalCreate,
    response: Response,
    principal: CurrentPrincipal,
    service: Service,
) -> OpportunityRead:
    """A manager or admin approves the opportunity's terms beyond the account tier's sales policy, as
    they stand, with a reason (kept in the audit trail); only then may it move to `closed_won`. More
    generous terms later need a new approval. A 409 when its terms are within the policy."""
    policy.require_role(principal, policy.MANAGER, policy.ADMIN, to="approve terms beyond the sales policy")
    opportunity = await service.approve_exceptions(opportunity_id, payload.reason, principal.user_id, datetime.now(UTC))
    set_etag(response, opportunity.version)
    return await service.read_one(opportunity)


@router.delete(
    "/{opportunity_id}",
    name="opportunities_delete",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problems(403, 404, 409, 412),
)
async def delete_opportunity(
    opportunity_id: uuid.UUID, principal: CurrentPrincipal, service: Service, expected: IfMatch = None
) -> Response:
    """Delete an open opportunity entered by mistake; won and lost ones are kept."""
    policy.require_writer(principal)
    await service.delete(opportunity_id, expected)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# Each answer that is a file by `Accept` is also an operation of its own (a generated client's function).
add_file_operations(router)
