"""The account service for a request: the caller, the rules in force and the moment of the request.

Shared by every router whose resources hang under an account, so they all see accounts alike.
"""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends

from app.accounts.service import AccountService
from app.auth.dependencies import CurrentPrincipal
from app.db import SessionDep
from app.rules_store.repository import RulesRepository


async def account_service(session: SessionDep, principal: CurrentPrincipal) -> AccountService:
    rules = await RulesRepository(session).current()
    return AccountService(session, rules, datetime.now(UTC), principal)


AccountServiceDep = Annotated[AccountService, Depends(account_service)]
