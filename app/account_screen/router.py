"""``GET /v1/accounts/{id}``: the account, with what its screen shows beside it when ``include`` asks.

Served ahead of FastAPI's routing by a plain route (``hot_routes``); the FastAPI route documents the
operation and answers what the plain route leaves to it (an id that is not a UUID, an ``include``
it would refuse, a parameter it does not know), which is mostly a 422.
"""

import uuid

from fastapi import APIRouter, Request, Response
from fastapi.security import HTTPAuthorizationCredentials

from app.account_screen.dependencies import read_account_screen
from app.account_screen.schemas import AccountScreen, IncludeParameter, valid_include
from app.accounts.dependencies import account_response, read_one_account
from app.auth.dependencies import Credentials, credentials_of
from app.plumbing.errors import problems
from app.plumbing.responses import json_response
from app.plumbing.routes import PlainRoute

router = APIRouter(prefix="/v1/accounts", tags=["accounts"], responses=problems(401))


@router.get("/{account_id}", name="accounts_get", response_model=AccountScreen, responses=problems(404, 422))
async def get_account(
    account_id: uuid.UUID, request: Request, credentials: Credentials, include: IncludeParameter = None
) -> Response:
    """The account with its computed view (score, tier, health and signals, cadence, next review).
    With `include`, also the records its screen shows beside it, in one request: the account's
    `ETag` is then left out, since those records change without changing the account's version."""
    return await _answer(request, credentials, account_id, include)


async def _answer(
    request: Request, credentials: HTTPAuthorizationCredentials | None, account_id: uuid.UUID, include: str | None
) -> Response:
    if include is None:
        return account_response(await read_one_account(request, credentials, account_id))
    parts = dict.fromkeys(include.split(","))  # each once, in the order asked
    return json_response(await read_account_screen(request, credentials, account_id, parts))


async def _serve_account(request: Request) -> Response:
    include = request.query_params.get("include")
    return await _answer(request, await credentials_of(request), request.path_params["account_id"], include)


def hot_routes() -> list[PlainRoute]:
    """The account's read, served ahead of FastAPI's routing: a plain Starlette route pays neither
    the matching of every route before it nor the resolution of dependencies, which cost more than
    the read itself."""
    return [
        PlainRoute(
            "/v1/accounts/{account_id:uuid}",
            _serve_account,
            methods=["GET"],
            name="accounts_get_fast",
            query={"include"},
            serves=lambda request: (
                "include" not in request.query_params or valid_include(request.query_params["include"])
            ),
        )
    ]
