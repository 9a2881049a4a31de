"""Financials use cases: one record per account and period, written whole with PUT."""

import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from app.account_records.service import AccountScopedService
from app.financials.repository import FinancialRepository
from app.financials.schemas import FinancialListQuery, FinancialRead, FinancialWrite
from app.models import Financial, RevenueLine
from app.plumbing.concurrency import ExpectedVersion, check_version
from app.plumbing.errors import Conflict, InvalidFields, NotFound
from app.plumbing.plain_rows import Columns
from app.plumbing.schemas import money_text, optional_money_text
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
        return FinancialRead.model_validate(financial_fields(record, lines))


def financial_fields(record: Financial | Columns, lines: Sequence[RevenueLine | Columns]) -> dict[str, Any]:
    """A ``FinancialRead``'s fields for the period and its revenue lines, ready for JSON as they are
    (see ``json_body``): amounts as text, shares as decimals."""
    revenue = record.revenue
    return {
        "account_id": record.account_id,
        "period": record.period,
        "year": record.year,
        "quarter": record.quarter,
        "revenue": money_text(revenue),
        "cost_to_serve": optional_money_text(record.cost_to_serve),
        "margin": margin(revenue, record.cost_to_serve),
        "service_revenue": optional_money_text(record.service_revenue),
        "service_share": service_share(revenue, record.service_revenue),
        "lines": [
            {
                "offering_id": line.offering_id,
                "buying_center_id": line.buying_center_id,
                "revenue": money_text(line.revenue),
                "service_revenue": optional_money_text(line.service_revenue),
            }
            for line in lines
        ],
        "unassigned_revenue": money_text(revenue - sum((line.revenue for line in lines), Decimal(0))),
        "version": record.version,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
    }
