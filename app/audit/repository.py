"""All SQL of reading the audit trail (writing it is app/audit/trail.py's, through the unit of work)."""

import uuid

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.schemas import AccountHistoryQuery, AuditQuery
from app.models import AuditEntry
from app.plumbing.pagination import PageRequest, SortKey, apply_keyset, count_matching, split_page

_BY_TIME = SortKey(AuditEntry.occurred_at, "datetime")


def _conditions(query: AuditQuery) -> list[ColumnElement[bool]]:
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
    return conditions


class AuditRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def entries_page(self, query: AuditQuery) -> tuple[list[AuditEntry], str | None]:
        return await self._page(query, _conditions(query))

    async def account_page(
        self, account_id: uuid.UUID, query: AccountHistoryQuery
    ) -> tuple[list[AuditEntry], str | None]:
        return await self._page(query, [AuditEntry.account_id == account_id])

    async def _page(
        self, query: AccountHistoryQuery, conditions: list[ColumnElement[bool]]
    ) -> tuple[list[AuditEntry], str | None]:
        page = PageRequest.of(query, query.sort)
        statement = select(AuditEntry).where(*conditions)
        await count_matching(self.session, statement, page.count)
        statement = apply_keyset(statement, page, _BY_TIME, AuditEntry.id)
        rows = (await self.session.execute(statement)).scalars().all()
        return split_page(rows, page, _BY_TIME)
