"""The account service for a request: the caller, the rules in force and the moment of the request.

Shared by every router whose resources hang under an account, so they all see accounts alike.
"""

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from functools import partial
from typing import Annotated, Any, TypeVar

import asyncpg
from fastapi import Depends, Request, Response
from fastapi.security import HTTPAuthorizationCredentials

from app.accounts.schemas import AccountListQuery
from app.accounts.service import AccountService, PlainAccountReader
from app.auth.dependencies import CurrentPrincipal, admit, presented
from app.auth.principal import PlainCaller
from app.db import LaggingSessionDep, SessionDep
from app.plumbing.concurrency import etag
from app.plumbing.plain_rows import lent_connection
from app.plumbing.responses import json_response
from app.rules.document import RulesConfig


async def account_service(request: Request, session: SessionDep, principal: CurrentPrincipal) -> AccountService:
    """The caller's account service with the rules in force: from the process's cache, checked
    against the version the authentication read, else read now."""
    rules = await request.app.state.rules_cache.in_session(request.state.rules_version, session)
    return AccountService(session, rules, datetime.now(UTC), principal)


AccountServiceDep = Annotated[AccountService, Depends(account_service)]


async def lagging_account_service(
    request: Request, session: LaggingSessionDep, principal: CurrentPrincipal
) -> AccountService:
    """As ``account_service``, reading where lag is tolerated (the replica, when there is one)."""
    return await account_service(request, session, principal)


LaggingAccountServiceDep = Annotated[AccountService, Depends(lagging_account_service)]


T = TypeVar("T")


async def read_plainly(
    request: Request,
    credentials: HTTPAuthorizationCredentials | None,
    read: Callable[[asyncpg.Connection, PlainCaller], Awaitable[T]],
) -> T:
    """The hot paths, called by their routes rather than declared as dependencies (whose resolution
    would cost more than the read): who is calling and what is read in one plain statement on a
    connection lent for the request (no session, no transaction), the rules from the process's cache."""
    caller = await presented(request, credentials)
    factory = request.app.state.session_factory
    async with lent_connection(getattr(request.app.state, "plain_pool", None), factory) as connection:

        async def rules_in_force() -> RulesConfig:
            rules: RulesConfig = await request.app.state.rules_cache.on_connection(
                request.state.rules_version, connection
            )
            return rules

        return await read(connection, PlainCaller(caller, partial(admit, connection, request, caller), rules_in_force))


def account_reader(request: Request, connection: asyncpg.Connection) -> PlainAccountReader:
    """The plain reader of accounts on ``connection``, lent for ``request`` by ``read_plainly``."""
    return PlainAccountReader(connection, request.app.state.session_factory, request.app.state.kept_fields)


async def read_one_account(
    request: Request, credentials: HTTPAuthorizationCredentials | None, account_id: uuid.UUID
) -> dict[str, Any]:
    """One account's fields (see ``account_fields``), read plainly."""
    fields, _, _ = await read_plainly(
        request,
        credentials,
        lambda connection, caller: account_reader(request, connection).read_one(account_id, caller),
    )
    return fields


async def read_account_page(
    request: Request, credentials: HTTPAuthorizationCredentials | None, query: AccountListQuery
) -> tuple[list[dict[str, Any]], str | None]:
    """A page of accounts as their fields, read plainly (``query`` filters on the account's columns only)."""
    return await read_plainly(
        request, credentials, lambda connection, caller: account_reader(request, connection).read_page(query, caller)
    )


def account_response(account: dict[str, Any]) -> Response:
    """The answer of an account's read: its fields (see ``account_fields``) serialised once."""
    return json_response(account, headers={"ETag": etag(account["version"])})
