"""``/v1/audit`` (managers, admins) and ``/v1/accounts/{id}/history`` (anyone who may see the account)."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from app.account_records.dependencies import scoped_service
from app.account_records.exports import export_records
from app.audit.schemas import AccountHistoryQuery, AuditEntryRead, AuditQuery
from app.audit.service import AuditService
from app.plumbing.errors import problems
from app.plumbing.exports import LIST_EXPORTS, add_file_operations, export_media
from app.plumbing.pagination import Page

router = APIRouter(tags=["audit"], responses=problems(401, 422))

Service = Annotated[AuditService, scoped_service(AuditService)]


async def _entries_page(service: AuditService, query: AuditQuery) -> tuple[list[AuditEntryRead], str | None]:
    entries, next_cursor = await service.entries_page(query)
    return [AuditEntryRead.model_validate(entry) for entry in entries], next_cursor


@router.get(
    "/v1/audit",
    name="audit_entries_list",
    response_model=Page[AuditEntryRead],
    responses={**problems(403), **LIST_EXPORTS},
)
async def list_audit_entries(request: Request, query: Annotated[AuditQuery, Query()], service: Service) -> Any:
    """Every recorded change, newest first, filtered by entity, actor, action and time. The whole
    trail so filtered as CSV or Excel when `Accept` asks for it."""
    if media := export_media(request):
        return await export_records(
            request, media, "audit-trail", AuditEntryRead, query, service.accounts, AuditService, _entries_page
        )
    items, next_cursor = await _entries_page(service, query)
    return Page(items=items, next_cursor=next_cursor)


@router.get("/v1/accounts/{account_id}/history", name="account_history_list", responses=problems(404))
async def list_account_history(
    account_id: uuid.UUID, query: Annotated[AccountHistoryQuery, Query()], service: Service
) -> Page[AuditEntryRead]:
    """The changes to the account and everything under it, newest first."""
    entries, next_cursor = await service.account_history(account_id, query)
    return Page(items=[AuditEntryRead.model_validate(entry) for entry in entries], next_cursor=next_cursor)


# Each answer that is a file by `Accept` is also an operation of its own (a generated client's function).
add_file_operations(router)
