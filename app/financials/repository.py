"""All SQL of financial periods."""

import uuid

from sqlalchemy import select

from app.kit.pagination import PageRequest, SortKey
from app.models import Financial
from app.scoped.repository import ScopedRepository

# Period labels sort in time order: "2025" < "2025-Q1" < ... < "2026".
_BY_PERIOD = SortKey(Financial.period, "str")


class FinancialRepository(ScopedRepository[Financial]):
    model = Financial
    noun = "financial period"

    async def account_page(self, account_id: uuid.UUID, page: PageRequest) -> tuple[list[Financial], str | None]:
        return await self.page([], page, _BY_PERIOD, account_id=account_id)

    async def find(self, account_id: uuid.UUID, period: str) -> Financial | None:
        statement = select(Financial).where(Financial.account_id == account_id, Financial.period == period)
        return (await self.session.execute(statement)).scalar_one_or_none()
