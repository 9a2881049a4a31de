"""The account service for a request: the caller, the rules in force and the moment of the request.

Shared by every router whose resources hang under an account, so they all see accounts alike.
"""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request

from app.accounts.service import AccountService
from app.auth.dependencies import CurrentPrincipal
from app.db import SessionDep
from app.rules_store.repository import RulesRepository


async def account_service(request: Request, session: SessionDep, principal: CurrentPrincipal) -> AccountService:
    """The caller's account service with the rules in force: from the process's cache, checked
    against the version the authentication read, else read now."""
    if hasattr(request.state, "rules_version"):
        rules = await request.app.state.rules_cache.current(session, request.state.rules_version)
    else:
        rules = await RulesRepository(session).current()
    return AccountService(session, rules, datetime.now(UTC), principal)


AccountServiceDep = Annotated[AccountService, Depends(account_service)]
