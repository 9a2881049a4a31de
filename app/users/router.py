"""``/v1/users``: everyone signed in reads users (to pick owners and team members); admins change them."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response, status

from app.auth import policy
from app.auth.dependencies import CurrentPrincipal
from app.db import SessionDep
from app.models import User
from app.plumbing import idempotency
from app.plumbing.concurrency import IfMatch, set_etag
from app.plumbing.errors import problems
from app.plumbing.pagination import Page
from app.plumbing.responses import created_headers
from app.users.handover import HandoverService
from app.users.repository import UserRepository
from app.users.schemas import HandoverCreate, HandoverRead, UserCreate, UserListQuery, UserRead, UserUpdate
from app.users.service import UserService

HandoverTo = Annotated[
    uuid.UUID | None,
    Query(description="When deactivating: the successor who takes the user's accounts and open work."),
]

router = APIRouter(prefix="/v1/users", tags=["users"], responses=problems(401))


async def user_service(session: SessionDep) -> UserService:
    return UserService(UserRepository(session), HandoverService(session))


Service = Annotated[UserService, Depends(user_service)]


def user_read(user: User) -> UserRead:
    return UserRead.model_validate(
        {
            **{field: getattr(user, field) for field in UserRead.model_fields if field != "can_sign_in"},
            "can_sign_in": user.password_hash is not None,
        }
    )


@router.get("", name="users_list", responses=problems(422))
async def list_users(
    query: Annotated[UserListQuery, Query()], principal: CurrentPrincipal, service: Service
) -> Page[UserRead]:
    users, next_cursor = await service.list_page(query)
    return Page(items=[user_read(user) for user in users], next_cursor=next_cursor)


@router.get("/me", name="me_get")
async def get_me(principal: CurrentPrincipal, service: Service, response: Response) -> UserRead:
    """The signed-in caller."""
    user = await service.get(principal.user_id)
    set_etag(response, user.version)
    return user_read(user)


@router.post(
    "",
    name="users_create",
    status_code=status.HTTP_201_CREATED,
    response_model=UserRead,
    responses=problems(403, 409, 422),
)
async def create_user(
    payload: UserCreate,
    request: Request,
    principal: CurrentPrincipal,
    service: Service,
    session: SessionDep,
    idempotency_key: idempotency.IdempotencyKey = None,
) -> Any:
    policy.check_user_admin(principal)

    async def create() -> tuple[UserRead, dict[str, str]]:
        user = await service.create(payload)
        return user_read(user), created_headers(request, "users_get", user.version, user_id=user.id)

    operation = f"users_create:{principal.user_id}"
    return await idempotency.respond_once(session, operation, idempotency_key, payload, create)


@router.get("/{user_id:uuid}", name="users_get", responses=problems(404, 422))
async def get_user(user_id: uuid.UUID, principal: CurrentPrincipal, service: Service, response: Response) -> UserRead:
    user = await service.get(user_id)
    set_etag(response, user.version)
    return user_read(user)


@router.patch("/{user_id:uuid}", name="users_update", responses=problems(403, 404, 409, 412, 422))
async def update_user(
    user_id: uuid.UUID,
    payload: UserUpdate,
    principal: CurrentPrincipal,
    service: Service,
    response: Response,
    expected: IfMatch = None,
    handover_to: HandoverTo = None,
) -> UserRead:
    """Deactivating (`active: false`) a user who still owns accounts or open work is a 409 naming it,
    unless `handover_to` names the successor: both happen in one transaction."""
    policy.check_user_admin(principal)
    user = await service.update(user_id, payload, expected, handover_to)
    set_etag(response, user.version)
    return user_read(user)


@router.delete(
    "/{user_id:uuid}",
    name="users_delete",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problems(403, 404, 409, 412),
)
async def delete_user(
    user_id: uuid.UUID,
    principal: CurrentPrincipal,
    service: Service,
    expected: IfMatch = None,
    handover_to: HandoverTo = None,
) -> Response:
    """Deactivate the user: its tokens and sign-in stop working at once; its history stays. A user who
    still owns accounts or open work is a 409 naming it, unless `handover_to` names the successor."""
    policy.check_user_admin(principal)
    await service.deactivate(user_id, expected, handover_to)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{user_id:uuid}/handover", name="users_handover", responses=problems(403, 404, 409, 422))
async def hand_over(
    user_id: uuid.UUID, payload: HandoverCreate, principal: CurrentPrincipal, session: SessionDep
) -> HandoverRead:
    """Move everything the user holds to a successor, in one transaction: the accounts they own, their
    open opportunities, open objectives and actions, and their places on account teams. Each change is
    in the audit trail with the reason. Managers and admins."""
    policy.require_role(principal, policy.MANAGER, policy.ADMIN, to="hand over a user's accounts")
    return await HandoverService(session).hand_over(user_id, payload)
