"""The service of a resource under an account, for a request: built on the request's account service,
so every resource sees accounts alike."""

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from app.account_records.repository import ScopedRepository
from app.account_records.service import RecordFields, read_listed_page
from app.accounts.dependencies import AccountServiceDep, LaggingAccountServiceDep, read_plainly
from app.accounts.service import AccountService
from app.auth.dependencies import credentials_of
from app.db import LaggingSessionDep, SessionDep

S = TypeVar("S")


def scoped_service(service_class: Callable[[AsyncSession, AccountService], S]) -> Any:
    """``Depends`` giving the service for the request: ``Annotated[XService, scoped_service(XService)]``."""

    async def make(session: SessionDep, accounts: AccountServiceDep) -> S:
        return service_class(session, accounts)

    return Depends(make)


def lagging_scoped_service(service_class: Callable[[AsyncSession, AccountService], S]) -> Any:
    """As ``scoped_service``, for reads that tolerate lag: on the replica when there is one."""

    async def make(session: LaggingSessionDep, accounts: LaggingAccountServiceDep) -> S:
        return service_class(session, accounts)

    return Depends(make)


async def read_listed(
    request: Request, records: type[ScopedRepository[Any]], fields: RecordFields, query: Any
) -> tuple[list[dict[str, Any]], str | None]:
    """A page of the list of ``records`` as their ``fields`` for ``query``, read plainly (see
    ``read_listed_page``)."""
    return await read_plainly(
        request,
        await credentials_of(request),
        lambda connection, caller: read_listed_page(connection, records, fields, query, caller),
    )
