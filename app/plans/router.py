"""``/v1/plans``: account plans, their objectives and actions, and activation."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response, status

from app.account_records.dependencies import scoped_service
from app.auth import policy
from app.auth.dependencies import CurrentPrincipal
from app.db import SessionDep
from app.plans.schemas import (
    ActionCreate,
    ActionListQuery,
    ActionRead,
    ActionUpdate,
    ObjectiveCreate,
    ObjectiveListQuery,
    ObjectiveRead,
    ObjectiveUpdate,
    PlanCreate,
    PlanDetail,
    PlanListQuery,
    PlanRead,
    PlanUpdate,
)
from app.plans.service import PlanService
from app.plumbing import idempotency
from app.plumbing.concurrency import IfMatch, etag, set_etag
from app.plumbing.errors import problems
from app.plumbing.pagination import Page
from app.plumbing.responses import created_headers

router = APIRouter(prefix="/v1/plans", tags=["plans"], responses=problems(401, 422))


Service = Annotated[PlanService, scoped_service(PlanService)]


@router.get("", name="plans_list")
async def list_plans(query: Annotated[PlanListQuery, Query()], service: Service) -> Page[PlanRead]:
    rows, next_cursor = await service.list_page(query)
    return Page(items=[PlanRead.model_validate(row) for row in rows], next_cursor=next_cursor)


@router.post(
    "",
    name="plans_create",
    status_code=status.HTTP_201_CREATED,
    response_model=PlanDetail,
    responses=problems(403, 409),
)
async def create_plan(
    payload: PlanCreate,
    request: Request,
    principal: CurrentPrincipal,
    service: Service,
    session: SessionDep,
    idempotency_key: idempotency.IdempotencyKey = None,
) -> Any:
    """A new plan is a draft; activate it once its objectives are SMART."""
    policy.require_writer(principal)

    async def create() -> tuple[PlanDetail, dict[str, str]]:
        plan = await service.create(payload)
        return plan, created_headers(request, "plans_get", plan.version, plan_id=plan.id)

    operation = f"plans_create:{principal.user_id}"
    return await idempotency.respond_once(session, operation, idempotency_key, payload, create)


@router.get("/{plan_id}", name="plans_get", responses=problems(404))
async def get_plan(plan_id: uuid.UUID, response: Response, service: Service) -> PlanDetail:
    """The whole plan: business, SWOT, competitors, objectives with their progress, actions."""
    detail = await service.detail(plan_id)
    set_etag(response, detail.version)
    return detail


@router.patch("/{plan_id}", name="plans_update", responses=problems(403, 404, 409, 412))
async def update_plan(
    plan_id: uuid.UUID,
    payload: PlanUpdate,
    response: Response,
    principal: CurrentPrincipal,
    service: Service,
    expected: IfMatch = None,
) -> PlanDetail:
    policy.require_writer(principal)
    plan = await service.update(plan_id, payload, expected)
    set_etag(response, plan.version)
    return plan


@router.delete(
    "/{plan_id}", name="plans_delete", status_code=status.HTTP_204_NO_CONTENT, responses=problems(403, 404, 409, 412)
)
async def delete_plan(
    plan_id: uuid.UUID, principal: CurrentPrincipal, service: Service, expected: IfMatch = None
) -> Response:
    """Delete a draft; active and archived plans are kept (archive a plan with PATCH status=archived)."""
    policy.require_writer(principal)
    await service.delete(plan_id, expected)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{plan_id}/activate", name="plans_activate", responses=problems(403, 404, 409, 412))
async def activate_plan(
    plan_id: uuid.UUID, response: Response, principal: CurrentPrincipal, service: Service, expected: IfMatch = None
) -> PlanDetail:
    """Make this the account's active plan, archiving the one before. Refused with a 422 naming every
    objective that is not SMART (owner, metric, target, due date within its horizon) and why."""
    policy.require_writer(principal)
    plan = await service.activate(plan_id, expected)
    set_etag(response, plan.version)
    return plan


@router.get("/{plan_id}/objectives", name="objectives_list", responses=problems(404))
async def list_objectives(
    plan_id: uuid.UUID, query: Annotated[ObjectiveListQuery, Query()], service: Service
) -> Page[ObjectiveRead]:
    objectives, next_cursor = await service.objectives_page(plan_id, query)
    return Page(items=[ObjectiveRead.model_validate(o) for o in objectives], next_cursor=next_cursor)


@router.post(
    "/{plan_id}/objectives",
    name="objectives_create",
    status_code=status.HTTP_201_CREATED,
    response_model=ObjectiveRead,
    responses=problems(403, 404, 409),
)
async def create_objective(
    plan_id: uuid.UUID,
    payload: ObjectiveCreate,
    principal: CurrentPrincipal,
    service: Service,
    session: SessionDep,
    idempotency_key: idempotency.IdempotencyKey = None,
) -> Any:
    policy.require_writer(principal)

    async def create() -> tuple[ObjectiveRead, dict[str, str]]:
        objective = await service.add_objective(plan_id, payload)
        return ObjectiveRead.model_validate(objective), {"ETag": etag(objective.version)}

    operation = f"objectives_create:{principal.user_id}:{plan_id}"
    return await idempotency.respond_once(session, operation, idempotency_key, payload, create)


@router.patch("/{plan_id}/objectives/{objective_id}", name="objectives_update", responses=problems(403, 404, 409, 412))
async def update_objective(
    plan_id: uuid.UUID,
    objective_id: uuid.UUID,
    payload: ObjectiveUpdate,
    response: Response,
    principal: CurrentPrincipal,
    service: Service,
    expected: IfMatch = None,
) -> ObjectiveRead:
    policy.require_writer(principal)
    objective = await service.update_objective(plan_id, objective_id, payload, expected)
    set_etag(response, objective.version)
    return ObjectiveRead.model_validate(objective)


@router.delete(
    "/{plan_id}/objectives/{objective_id}",
    name="objectives_delete",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problems(403, 404, 409, 412),
)
async def delete_objective(
    plan_id: uuid.UUID, objective_id: uuid.UUID, principal: CurrentPrincipal, service: Service, expected: IfMatch = None
) -> Response:
    """Refused while actions belong to the objective."""
    policy.require_writer(principal)
    await service.delete_objective(plan_id, objective_id, expected)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{plan_id}/actions", name="actions_list", responses=problems(404))
async def list_actions(
    plan_id: uuid.UUID, query: Annotated[ActionListQuery, Query()], service: Service
) -> Page[ActionRead]:
    """By due date, undated last."""
    actions, next_cursor = await service.actions_page(plan_id, query)
    return Page(items=[ActionRead.model_validate(a) for a in actions], next_cursor=next_cursor)


@router.post(
    "/{plan_id}/actions",
    name="actions_create",
    status_code=status.HTTP_201_CREATED,
    response_model=ActionRead,
    responses=problems(403, 404, 409),
)
async def create_action(
    plan_id: uuid.UUID,
    payload: ActionCreate,
    principal: CurrentPrincipal,
    service: Service,
    session: SessionDep,
    idempotency_key: idempotency.IdempotencyKey = None,
) -> Any:
    policy.require_writer(principal)

    async def create() -> tuple[ActionRead, dict[str, str]]:
        action = await service.add_action(plan_id, payload)
        return ActionRead.model_validate(action), {"ETag": etag(action.version)}

    operation = f"actions_create:{principal.user_id}:{plan_id}"
    return await idempotency.respond_once(session, operation, idempotency_key, payload, create)


@router.patch("/{plan_id}/actions/{action_id}", name="actions_update", responses=problems(403, 404, 409, 412))
async def update_action(
    plan_id: uuid.UUID,
    action_id: uuid.UUID,
    payload: ActionUpdate,
    response: Response,
    principal: CurrentPrincipal,
    service: Service,
    expected: IfMatch = None,
) -> ActionRead:
    policy.require_writer(principal)
    action = await service.update_action(plan_id, action_id, payload, expected)
    set_etag(response, action.version)
    return ActionRead.model_validate(action)


@router.delete(
    "/{plan_id}/actions/{action_id}",
    name="actions_delete",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problems(403, 404, 409, 412),
)
async def delete_action(
    plan_id: uuid.UUID, action_id: uuid.UUID, principal: CurrentPrincipal, service: Service, expected: IfMatch = None
) -> Response:
    policy.require_writer(principal)
    await service.delete_action(plan_id, action_id, expected)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
