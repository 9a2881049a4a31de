"""``/v1/audit`` (managers, admins) and ``/v1/accounts/{id}/history`` (anyone who may see the account)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import ColumnElement, select

from app.accounts.dependencies import AccountServiceDep
from app.audit.schemas import AccountHistoryQuery, AuditEntryRead, AuditQuery
from app.auth import policy
from app.auth.dependencies import CurrentPrincipal
from app.db import SessionDep
from app.kit.errors import problems
from app.kit.pagination import Page, PageRequest, SortKey, apply_keyset, split_page
from app.models import AuditEntry

router = APIRouter(tags=["audit"], responses=problems(401, 422))

_KEY = SortKey(AuditEntry.occurred_at, "datetime")


async def _page(
    session: SessionDep, query: AccountHistoryQuery, conditions: list[ColumnElement[bool]]
) -> Page[AuditEntryRead]:
    page = PageRequest(query.sort, query.limit, query.cursor)
    statement = apply_keyset(select(AuditEntry).where(*conditions), page, _KEY, AuditEntry.id)
    rows = (await session.execute(statement)).scalars().all()
    entries, next_cursor = split_page(rows, page, _KEY)
    return Page(items=[AuditEntryRead.model_validate(entry) for entry in entries], next_cursor=next_cursor)


@router.get("/v1/audit", name="audit_entries_list", responses=problems(403))
async def list_audit_entries(
    query: Annotated[AuditQuery, Query()], principal: CurrentPrincipal, session: SessionDep
) -> Page[AuditEntryRead]:
    """Every recorded change, newest first, filtered by entity, actor, action and time."""
    policy.check_audit_reader(principal)
    equal_to = {
        AuditEntry.entity_type: query.entity_type,
        AuditEntry.entity_id: query.entity_id,
        AuditEntry.actor_id: query.actor_id,
        AuditEntry.action: query.action,
    }
    conditions = [column == value for column, value in equal_to.items() if value is not None]
    if query.since is not None:
        conditions.append(AuditEntry.occurred_at >= query.since)
    if query.until is not None:
        conditions.append(AuditEntry.occurred_at < query.until)
    return await _page(session, query, conditions)


@router.get("/v1/accounts/{account_id}/history", name="account_history_list", responses=problems(404))
async def list_account_history(
    account_id: uuid.UUID,
    query: Annotated[AccountHistoryQuery, Query()],
    accounts: AccountServiceDep,
    session: SessionDep,
) -> Page[AuditEntryRead]:
    """The changes to the account and everything under it, newest first."""
    await accounts.get(account_id)
    return await _page(session, query, [AuditEntry.account_id == account_id])
