"""``GET /v1/accounts/{id}``: the account, with what its screen shows beside it when ``include`` asks.

A read without a query never gets here: the plain route ahead of FastAPI's serves it
(app/accounts/router.py). This route documents the operation and answers the rest.
"""

import uuid
from typing import Annotated

from fastapi import APIRouter, Request, Response

from app.account_records.dependencies import lagging_scoped_service
from app.account_screen.schemas import AccountScreen, IncludeParameter
from app.account_screen.service import AccountScreenService
from app.accounts.dependencies import account_response, read_one_account
from app.auth.dependencies import Credentials
from app.plumbing.errors import problems
from app.plumbing.responses import json_response

router = APIRouter(prefix="/v1/accounts", tags=["accounts"], responses=problems(401))


@router.get("/{account_id}", name="accounts_get", response_model=AccountScreen, responses=problems(404, 422))
async def get_account(
    account_id: uuid.UUID,
    request: Request,
    credentials: Credentials,
    screen: Annotated[AccountScreenService, lagging_scoped_service(AccountScreenService)],
    include: IncludeParameter = None,
) -> Response:
    """The account with its computed view (score, tier, health and signals, cadence, next review).
    With `include`, also the records its screen shows beside it, in one request: the account's
    `ETag` is then left out, since those records change without changing the account's version."""
    account = await read_one_account(request, credentials, account_id)
    if include is None:
        return account_response(account)
    included = await screen.included(account_id, set(include.split(",")))
    return json_response({**account, **included})
