"""Financials use cases: one record per account and period, written whole with PUT."""

import uuid

from app.account_records.service import AccountScopedService
from app.financials.repository import FinancialRepository
from app.financials.schemas import FinancialListQuery, FinancialRead, FinancialWrite
from app.models import Financial
from app.plumbing.concurrency import ExpectedVersion, check_version
from app.plumbing.errors import NotFound
from app.rules.financials import margin, parse_period, service_share


class FinancialService(AccountScopedService[Financial]):
    repository_class = FinancialRepository
    records: FinancialRepository

    async def account_page(
        self, account_id: uuid.UUID, query: FinancialListQuery
    ) -> tuple[list[Financial], str | None]:
        await self.accounts.get(account_id)
        return await self.records.account_page(account_id, query)

    async def put(
        self, account_id: uuid.UUID, period: str, data: FinancialWrite, expected: ExpectedVersion | None
    ) -> tuple[Financial, bool]:
        """Create or replace the period's figures; returns the record and whether it was created."""
        # Locked: two first writes of the same period take turns instead of one failing on the index.
        await self.account_for_write(account_id, field=None, lock=True)
        record = await self.records.find(account_id, period)
        created = record is None
        if record is None:
            year, quarter = parse_period(period)
            record = Financial(account_id=account_id, period=period, year=year, quarter=quarter)
        elif expected is not None:
            check_version(expected, record.version)
        record.revenue = data.revenue
        record.cost_to_serve = data.cost_to_serve
        record.service_revenue = data.service_revenue
        return await self.records.save(record), created

    async def delete(self, account_id: uuid.UUID, period: str, expected: ExpectedVersion | None) -> None:
        await self.account_for_write(account_id, field=None)
        record = await self.records.find(account_id, period)
        if record is None:
            raise NotFound(f"No figures for {period} on account {account_id}.")
        check_version(expected, record.version)
        await self.records.delete(record)

    @staticmethod
    def read(record: Financial) -> FinancialRead:
        """The period as clients read it, with its margin and service share."""
        computed = {
            "margin": margin(record.revenue, record.cost_to_serve),
            "service_share": service_share(record.revenue, record.service_revenue),
        }
        fields = {field: getattr(record, field) for field in FinancialRead.model_fields if field not in computed}
        return FinancialRead.model_validate({**fields, **computed})
