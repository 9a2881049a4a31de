"""Exports of the lists of records under accounts: each page read by the same kind of service as the
request's, for the same caller, in the export's own session (app/plumbing/exports.py)."""

from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import StreamingResponse

from app.accounts.service import AccountService
from app.plumbing.exports import export_list

S = TypeVar("S")
M = TypeVar("M", bound=BaseModel)
Q = TypeVar("Q", bound=BaseModel)


async def export_records(
    request: Request,
    media: str,
    name: str,
    model: type[M],
    query: Q,
    accounts: AccountService,
    service_class: Callable[[AsyncSession, AccountService], S],
    page: Callable[[S, Q], Awaitable[tuple[Sequence[M], str | None]]],
) -> StreamingResponse:
    """The whole list ``page`` reads, as ``service_class`` of the caller reads it, in CSV or Excel."""

    def page_in(session: AsyncSession, current: Q) -> Awaitable[tuple[Sequence[M], str | None]]:
        return page(service_class(session, accounts.in_session(session)), current)

    return await export_list(request, media, name, model, query, page_in)
