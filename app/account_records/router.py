"""The plain route of a list of records under accounts (contacts, opportunities): served ahead of
FastAPI's routing, as the main list of accounts is (see app/accounts/router.py)."""

from typing import Any

from fastapi import Request, Response
from pydantic import BaseModel

from app.account_records.dependencies import read_listed
from app.account_records.repository import ScopedRepository
from app.account_records.service import RecordFields
from app.plumbing.exports import export_media
from app.plumbing.pagination import no_count_yet
from app.plumbing.query_parameters import plain_list_query
from app.plumbing.responses import page_response
from app.plumbing.routes import PlainRoute


def listed_route(
    path: str, name: str, records: type[ScopedRepository[Any]], fields: RecordFields, query_model: type[BaseModel]
) -> PlainRoute:
    """The route answering ``GET path`` (the list operation ``name``) when its query takes only the
    page, the order, ``account_id`` and the value filters of ``records`` (the list's repository): the
    caller and the page read in one statement, each record's ``fields`` serialised once. The
    operation's FastAPI route documents it and answers the rest (`q`, `count`, metadata and other
    filters, a file, a parameter it does not know)."""

    async def serve(request: Request) -> Response:
        await no_count_yet()  # as every operation starts (none is asked here: `count` is left to FastAPI's route)
        query: Any = plain_list_query(request, query_model)
        return page_response(*await read_listed(request, records, fields, query))

    return PlainRoute(
        path,
        serve,
        methods=["GET"],
        name=f"{name}_fast",
        query={"limit", "cursor", "sort", "account_id", *records.value_filters},
        # A file (CSV, Excel) is the documented route's to stream.
        serves=lambda request: export_media(request) is None,
    )
