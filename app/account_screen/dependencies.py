"""The account screen's read for a request: plainly, on a connection lent for it (see
``read_plainly``)."""

import uuid
from collections.abc import Collection
from typing import Any

from fastapi import Request
from fastapi.security import HTTPAuthorizationCredentials

from app.account_screen.service import read_screen
from app.accounts.dependencies import account_reader, read_plainly


async def read_account_screen(
    request: Request, credentials: HTTPAuthorizationCredentials | None, account_id: uuid.UUID, parts: Collection[str]
) -> dict[str, Any]:
    """One account's fields (see ``account_fields``) with ``parts`` of its screen beside them."""
    return await read_plainly(
        request,
        credentials,
        lambda connection, caller: read_screen(
            account_reader(request, connection), request.app.state.kept_screens, account_id, parts, caller
        ),
    )
