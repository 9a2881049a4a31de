"""The five endpoints of a plain record under an account (list, create, get, update, delete), built
once for every resource whose use cases are exactly those of AccountScoped."""

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status
from pydantic import BaseModel

from app.accounts.dependencies import AccountServiceDep
from app.accounts.scoped import AccountScoped
from app.auth import policy
from app.auth.dependencies import CurrentPrincipal
from app.db import SessionDep
from app.kit.concurrency import IfMatch, set_etag
from app.kit.errors import problems
from app.kit.pagination import ListQuery, Page


def scoped_crud_router(
    *,
    plural: str,
    service_class: type[AccountScoped],
    create_model: type[BaseModel],
    update_model: type[BaseModel],
    read_model: type[BaseModel],
    list_query: type[ListQuery],
    id_name: str,
    description: str,
) -> APIRouter:
    """``/v1/{plural}`` with operation ids ``{plural}_list``, ``_create``, ``_get``, ``_update``, ``_delete``."""
    router = APIRouter(prefix=f"/v1/{plural}", tags=[plural], responses=problems(401, 422))

    def make_service(session: SessionDep, accounts: AccountServiceDep) -> AccountScoped:
        return service_class(session, accounts)

    Service = Annotated[service_class, Depends(make_service)]
    # The path parameter keeps the resource's own name (interaction_id, ...), which SDKs expose.
    RecordId = Annotated[uuid.UUID, Path(alias=id_name)]

    async def list_records(query: Annotated[list_query, Query()], service: Service) -> Page[read_model]:
        rows, next_cursor = await service.list_page(query)
        return Page[read_model](items=[read_model.model_validate(row) for row in rows], next_cursor=next_cursor)

    async def create_record(
        payload: create_model, request: Request, response: Response, principal: CurrentPrincipal, service: Service
    ) -> read_model:
        policy.require_writer(principal)
        record = await service.create(payload, datetime.now(UTC))
        set_etag(response, record.version)
        response.headers["Location"] = str(request.url_for(f"{plural}_get", **{id_name: record.id}))
        return read_model.model_validate(record)

    async def get_record(record_id: RecordId, response: Response, service: Service) -> read_model:
        record = await service.get(record_id)
        set_etag(response, record.version)
        return read_model.model_validate(record)

    async def update_record(
        record_id: RecordId,
        payload: update_model,
        response: Response,
        principal: CurrentPrincipal,
        service: Service,
        expected: IfMatch = None,
    ) -> read_model:
        policy.require_writer(principal)
        record = await service.update(record_id, payload, expected, datetime.now(UTC))
        set_etag(response, record.version)
        return read_model.model_validate(record)

    async def delete_record(
        record_id: RecordId, principal: CurrentPrincipal, service: Service, expected: IfMatch = None
    ) -> Response:
        """Delete the record; the audit trail keeps what it held."""
        policy.require_writer(principal)
        await service.delete(record_id, expected)
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    routes: list[tuple[str, str, Any, dict]] = [
        ("", "list", list_records, {"methods": ["GET"], "description": description}),
        (
            "",
            "create",
            create_record,
            {"methods": ["POST"], "status_code": status.HTTP_201_CREATED, "responses": problems(403, 409)},
        ),
        (f"/{{{id_name}}}", "get", get_record, {"methods": ["GET"], "responses": problems(404)}),
        (f"/{{{id_name}}}", "update", update_record, {"methods": ["PATCH"], "responses": problems(403, 404, 409, 412)}),
        (
            f"/{{{id_name}}}",
            "delete",
            delete_record,
            {
                "methods": ["DELETE"],
                "status_code": status.HTTP_204_NO_CONTENT,
                "responses": problems(403, 404, 409, 412),
            },
        ),
    ]
    for path, verb, endpoint, options in routes:
        router.add_api_route(path, endpoint, name=f"{plural}_{verb}", **options)
    return router
