"""Financials use cases: one record per account and period, written whole with PUT."""

import uuid
from collections.abc import Sequence
from decimal import Decimal

from app.account_records.service import AccountScopedService
from app.financials.repository import FinancialRepository
from app.financials.schemas import FinancialListQuery, FinancialRead, FinancialWrite, RevenueLineRead
from app.models import Financial, RevenueLine
from app.plumbing.concurrency import ExpectedVersion, check_version
from app.plumbing.errors import Conflict, InvalidFields, NotFound
from app.rules.financials import margin, parse_period, service_share


class LinesExceedRevenue(Conflict):
    title, slug = "Revenue lines beyond the revenue", "lines-exceed-revenue"


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
        kept = [] if created else (await self.records.lines_of([record.id])).get(record.id, [])
        if data.lines is None and sum((line.revenue for line in kept), Decimal(0)) > data.revenue:
            raise LinesExceedRevenue(
                f"The period's revenue lines sum to more than {data.revenue}: send its lines with the new revenue."
            )
        record.revenue = data.revenue
        record.cost_to_serve = data.cost_to_serve
        record.service_revenue = data.service_revenue
        record = await self.records.save(record)
        if data.lines is not None:
            await self.records.replace_lines(record, await self._lines(account_id, record, data))
        return record, created

    async def _lines(self, account_id: uuid.UUID, record: Financial, data: FinancialWrite) -> list[RevenueLine]:
        """The lines a PUT sends, checked: offerings of the catalog, buying centers of this account,
        each (offering, center) once, and never more than the period's revenue in all."""
        lines = data.lines or []
        offerings = await self.records.known_offerings([line.offering_id for line in lines])
        centers = await self.records.centers_of(
            account_id, [line.buying_center_id for line in lines if line.buying_center_id is not None]
        )
        seen: set[tuple[uuid.UUID, uuid.UUID | None]] = set()
        for index, line in enumerate(lines):
            place: list[str | int] = ["body", "lines", index]
            if line.offering_id not in offerings:
                raise InvalidFields.one([*place, "offering_id"], f"no offering with id {line.offering_id}")
            if line.buying_center_id is not None and line.buying_center_id not in centers:
                raise InvalidFields.one(
                    [*place, "buying_center_id"], f"no buying center with id {line.buying_center_id} on this account"
                )
            key = (line.offering_id, line.buying_center_id)
            if key in seen:
                raise InvalidFields.one(place, "this offering and buying center already have a line of this period")
            seen.add(key)
        total = sum((line.revenue for line in lines), Decimal(0))
        if total > data.revenue:
            raise InvalidFields.one(
                ["body", "lines"], f"the lines sum to {total}, above the period's revenue of {data.revenue}"
            )
        return [RevenueLine(financial_id=record.id, account_id=account_id, **line.model_dump()) for line in lines]

    async def reads(self, records: Sequence[Financial]) -> list[FinancialRead]:
        """These periods as clients read them, their revenue lines read in one statement."""
        lines = await self.records.lines_of([record.id for record in records])
        return [self.read(record, lines.get(record.id, [])) for record in records]

    async def delete(self, account_id: uuid.UUID, period: str, expected: ExpectedVersion | None) -> None:
        await self.account_for_write(account_id, field=None)
        record = await self.records.find(account_id, period)
        if record is None:
            raise NotFound(f"No figures for {period} on account {account_id}.")
        check_version(expected, record.version)
        await self.records.delete(record)

    @staticmethod
    def read(record: Financial, lines: Sequence[RevenueLine]) -> FinancialRead:
        """The period as clients read it, with its margin, service share and revenue lines."""
        computed = {
            "margin": margin(record.revenue, record.cost_to_serve),
            "service_share": service_share(record.revenue, record.service_revenue),
            "lines": [RevenueLineRead.model_validate(line) for line in lines],
            "unassigned_revenue": record.revenue - sum((line.revenue for line in lines), Decimal(0)),
        }
        fields = {field: getattr(record, field) for field in FinancialRead.model_fields if field not in computed}
        return FinancialRead.model_validate({**fields, **computed})
