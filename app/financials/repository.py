"""All SQL of financial periods."""

import uuid
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import ColumnElement, select

from app.account_records.repository import ScopedRepository
from app.financials.schemas import FinancialListQuery
from app.models import BuyingCenter, Financial, Offering, RevenueLine
from app.plumbing.pagination import PageRequest, SortKey
from app.plumbing.sql import in_set

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
        page = PageRequest.of(query, query.sort)
        return await self.page(self.conditions(query), page, SORT_KEYS[page.field], account_id=account_id)

    async def lines_of(self, financial_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[RevenueLine]]:
        """The revenue lines of these periods, in one query, by offering and buying center."""
        if not financial_ids:
            return {}
        statement = (
            select(RevenueLine)
            .where(in_set(RevenueLine.financial_id, financial_ids))
            .order_by(RevenueLine.financial_id, RevenueLine.offering_id, RevenueLine.buying_center_id.nulls_first())
        )
        lines: dict[uuid.UUID, list[RevenueLine]] = defaultdict(list)
        for line in (await self.session.execute(statement)).scalars():
            lines[line.financial_id].append(line)
        return lines

    async def replace_lines(self, financial: Financial, lines: Sequence[RevenueLine]) -> None:
        """The period's lines become these (each old one deleted, each new one added: both audited)."""
        for old in (await self.lines_of([financial.id])).get(financial.id, []):
            await self.session.delete(old)
        await self.session.flush()
        self.session.add_all(lines)
        await self.session.flush()

    async def known_offerings(self, offering_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        statement = select(Offering.id).where(in_set(Offering.id, offering_ids))
        return set((await self.session.execute(statement)).scalars())

    async def centers_of(self, account_id: uuid.UUID, center_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        statement = select(BuyingCenter.id).where(
            BuyingCenter.account_id == account_id, in_set(BuyingCenter.id, center_ids)
        )
        return set((await self.session.execute(statement)).scalars())

    async def find(self, account_id: uuid.UUID, period: str) -> Financial | None:
        statement = select(Financial).where(Financial.account_id == account_id, Financial.period == period)
        return (await self.session.execute(statement)).scalar_one_or_none()
