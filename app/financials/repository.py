"""All SQL of financial periods."""

import uuid

from sqlalchemy import ColumnElement, select

from app.account_records.repository import ScopedRepository
from app.financials.schemas import FinancialListQuery
from app.models import Financial
from app.plumbing.pagination import PageRequest, SortKey

SORT_KEYS = {
    # Period labels sort in time order: "2025" < "2025-Q1" < ... < "2026".
    "period": SortKey(Financial.period, "str"),
    "updated_at": SortKey(Financial.updated_at, "datetime"),
}


class FinancialRepository(ScopedRepository[Financial]):
    model = Financial
    noun = "financial period"
    sort_keys = SORT_KEYS

    def conditions(self, query: FinancialListQuery) -> list[ColumnElement[bool]]:
        return [Financial.updated_at >= query.updated_since] if query.updated_since is not None else []

    async def account_page(
        self, account_id: uuid.UUID, query: FinancialListQuery
    ) -> tuple[list[Financial], str | None]:
        page = PageRequest(query.sort, query.limit, query.cursor)
        return await self.page(self.conditions(query), page, SORT_KEYS[page.field], account_id=account_id)

    async def find(self, account_id: uuid.UUID, period: str) -> Financial | None:
        statement = select(Financial).where(Financial.account_id == account_id, Financial.period == period)
        return (await self.session.execute(statement)).scalar_one_or_none()
