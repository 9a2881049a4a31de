"""HTTP endpoints for accounts and their tier decisions."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response, status

from app.accounts.dependencies import (
    AccountServiceDep,
    LaggingAccountServiceDep,
    read_account_page,
)
from app.accounts.repository import PLAIN_PAGE_FILTERS
from app.accounts.schemas import (
    AccountBatchUpsert,
    AccountCreate,
    AccountListQuery,
    AccountRead,
    AccountUpdate,
    TierChangeRead,
    TierDecisionCreate,
)
from app.auth import policy
from app.auth.dependencies import CurrentPrincipal, credentials_of
from app.db import SessionDep
from app.plumbing import idempotency
from app.plumbing.batch import BATCH_RESPONSES, BatchResult, answer_batch
from app.plumbing.concurrency import IfMatch, set_etag
from app.plumbing.errors import problems
from app.plumbing.exports import LIST_EXPORTS, add_file_operations, export_list, export_media
from app.plumbing.pagination import ListQuery, Page, PageRequest, no_count_yet
from app.plumbing.query_parameters import plain_list_query
from app.plumbing.responses import created_headers, page_response
from app.plumbing.routes import PlainRoute
from app.plumbing.schemas import NO_NUL_PATTERN

router = APIRouter(prefix="/v1/accounts", tags=["accounts"], responses=problems(401))


Service = AccountServiceDep


@router.get("", name="accounts_list", response_model=Page[AccountRead], responses={**problems(422), **LIST_EXPORTS})
async def list_accounts(
    request: Request,
    query: Annotated[AccountListQuery, Query()],
    service: LaggingAccountServiceDep,
) -> Any:
    """Accounts with their computed view; the whole list as CSV or Excel when `Accept` asks for it."""
    if media := export_media(request):
        return await export_list(
            request, media, "accounts", AccountRead, query, lambda session, q: service.in_session(session).read_page(q)
        )
    # A list tolerates lag: on the replica when there is one. Serialised once, from the fields.
    return page_response(*await service.page_fields(query))


@router.post(
    "",
    name="accounts_create",
    status_code=status.HTTP_201_CREATED,
    # A replayed answer (Idempotency-Key) is sent as stored, so the model is named here.
    response_model=AccountRead,
    responses=problems(400, 403, 409, 413, 422),
)
async def create_account(
    payload: AccountCreate,
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    service: Service,
    idempotency_key: idempotency.IdempotencyKey = None,
) -> Any:
    policy.require_writer(principal)

    async def create() -> tuple[AccountRead, dict[str, str]]:
        account = await service.create(payload)
        return account, created_headers(request, "accounts_get", account.version, account_id=account.id)

    operation = f"accounts_create:{principal.user_id}"
    return await idempotency.respond_once(session, operation, idempotency_key, payload, create)


@router.post(
    "/batch/upsert",
    name="accounts_batch_upsert",
    response_model=BatchResult,
    responses=BATCH_RESPONSES,
)
async def upsert_accounts(
    payload: AccountBatchUpsert,
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    service: Service,
    idempotency_key: idempotency.IdempotencyKey = None,
) -> Any:
    """Create or replace up to 1,000 accounts by `external_id`, each as
    `PUT /v1/accounts/by-external-id/{external_id}` would. One result per item, in order: `created`,
    `updated`, `unchanged` (nothing written) or `failed` with its problem. Each item succeeds or fails
    on its own; 200 when all succeed, 207 when any failed."""
    policy.require_writer(principal)
    operation = f"accounts_batch_upsert:{principal.user_id}"
    return await answer_batch(
        request,
        session,
        operation,
        idempotency_key,
        payload,
        payload.items,
        service.prepare_upserts,
        service.upsert_one,
    )


async def _serve_account_page(request: Request) -> Response:
    await no_count_yet()  # as every operation starts (here none is asked: `count` is left to FastAPI's route)
    query = plain_list_query(request, AccountListQuery)
    return page_response(*await read_account_page(request, await credentials_of(request), query))


def hot_routes(*, replica: bool) -> list[PlainRoute]:
    """The main list, served ahead of FastAPI's routing (as the account's read is: see
    app/account_screen/router.py) when it filters only on the account's own columns. `list_accounts`
    is the same operation: it documents it in the contract and answers what this route leaves to it
    (`q`, `count`, a filter on the computed view, a file). Served here only where there is no
    replica: it reads the primary, beside the caller."""
    if replica:
        return []
    query = {"limit", "cursor", "sort", "archived", *PLAIN_PAGE_FILTERS}
    return [
        PlainRoute(
            "/v1/accounts",
            _serve_account_page,
            methods=["GET"],
            name="accounts_list_fast",
            query=query,
            # A file (CSV, Excel) is the documented route's to stream.
            serves=lambda request: export_media(request) is None,
        )
    ]


@router.patch("/{account_id}", name="accounts_update", responses=problems(400, 403, 404, 409, 412, 413, 422))
async def update_account(
    account_id: uuid.UUID,
    payload: AccountUpdate,
    response: Response,
    principal: CurrentPrincipal,
    service: Service,
    expected: IfMatch = None,
) -> AccountRead:
    policy.require_writer(principal)
    account = await service.update(account_id, payload, expected)
    set_etag(response, account.version)
    return account


@router.delete(
    "/{account_id}",
    name="accounts_delete",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problems(403, 404, 412, 422),
)
async def delete_account(
    account_id: uuid.UUID, principal: CurrentPrincipal, service: Service, expected: IfMatch = None
) -> Response:
    """Archive the account: it leaves lists (unless `archived=true`), stays readable and can be restored."""
    policy.require_writer(principal)
    await service.archive(account_id, expected)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.put(
    "/by-external-id/{external_id}",
    name="accounts_by_external_id_replace",
    responses={201: {"model": AccountRead, "description": "Created"}, **problems(403, 409, 412)},
)
async def replace_account_by_external_id(
    external_id: Annotated[str, Path(min_length=1, max_length=200, pattern=NO_NUL_PATTERN)],
    payload: AccountCreate,
    response: Response,
    principal: CurrentPrincipal,
    service: Service,
    expected: IfMatch = None,
) -> AccountRead:
    """Create the account a CRM knows by this key (201), or replace the one that has it (200): every
    field takes the body's value, absent ones their default, the scores as sent; the owner changes only
    when the body names one. For scripts that sync one record at a time."""
    policy.require_writer(principal)
    account, created = await service.replace_by_external_id(external_id, payload, expected)
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    set_etag(response, account.version)
    return account


@router.post("/{account_id}/restore", name="accounts_restore", responses=problems(403, 404, 412, 422))
async def restore_account(
    account_id: uuid.UUID, response: Response, principal: CurrentPrincipal, service: Service, expected: IfMatch = None
) -> AccountRead:
    policy.require_writer(principal)
    account = await service.restore(account_id, expected)
    set_etag(response, account.version)
    return account


@router.get("/{account_id}/tier-decisions", name="tier_decisions_list", responses=problems(404, 422))
async def list_tier_decisions(
    account_id: uuid.UUID, query: Annotated[ListQuery, Query()], service: Service
) -> Page[TierChangeRead]:
    """The account's tier history, oldest first: automatic promotions and managers' decisions."""
    changes, next_cursor = await service.tier_history(account_id, PageRequest.of(query, "created_at"))
    return Page(items=[TierChangeRead.model_validate(change) for change in changes], next_cursor=next_cursor)


@router.post(
    "/{account_id}/tier-decisions",
    name="tier_decisions_create",
    status_code=status.HTTP_201_CREATED,
    responses=problems(400, 403, 404, 409, 422),
)
async def create_tier_decision(
    account_id: uuid.UUID, payload: TierDecisionCreate, principal: CurrentPrincipal, service: Service
) -> TierChangeRead:
    """Managers and admins: demote to the computed tier or keep the tier (both only while a demotion
    review is pending), or set a tier by hand."""
    policy.check_tier_decision(principal)
    change = await service.decide_tier(account_id, payload)
    return TierChangeRead.model_validate(change)


# Each answer that is a file by `Accept` is also an operation of its own (a generated client's function).
add_file_operations(router)
