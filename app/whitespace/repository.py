"""All SQL of the whitespace map: the rows (buying centers, subsidiaries), what each bought in a year,
its open opportunities, the cells set aside, and what peers buy."""

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from app.models import (
    Account,
    AccountFactsRow,
    BuyingCenter,
    Financial,
    Offering,
    Opportunity,
    RevenueLine,
    WhitespaceExclusion,
)
from app.plumbing.sql import in_set
from app.rules.opportunities import CLOSED_STAGES
from app.rules.whitespace import Peer


@dataclass(frozen=True)
class Subsidiary:
    id: uuid.UUID
    name: str
    industry: str | None
    tier: str | None
    size: Decimal | None


class WhitespaceRepository:
    def __init__(self, session: AsyncSession, visibility: ColumnElement[bool] | None) -> None:
        self.session = session
        self.visibility = visibility

    async def offerings(self) -> Sequence[Offering]:
        statement = select(Offering).where(Offering.active.is_(True)).order_by(Offering.code, Offering.id)
        return (await self.session.execute(statement)).scalars().all()

    async def centers(self, account_id: uuid.UUID) -> Sequence[BuyingCenter]:
        statement = select(BuyingCenter).where(BuyingCenter.account_id == account_id).order_by(BuyingCenter.name)
        return (await self.session.execute(statement)).scalars().all()

    async def size(self, account_id: uuid.UUID) -> Decimal | None:
        statement = select(AccountFactsRow.latest_annual_revenue).where(AccountFactsRow.account_id == account_id)
        return await self.session.scalar(statement)

    async def subsidiaries(self, account_id: uuid.UUID) -> list[Subsidiary]:
        """The live accounts whose parent it is and the caller may see, with their size."""
        conditions = [Account.parent_id == account_id, Account.archived_at.is_(None)]
        if self.visibility is not None:
            conditions.append(self.visibility)
        statement = (
            select(Account.id, Account.name, Account.industry, Account.tier, AccountFactsRow.latest_annual_revenue)
            .outerjoin(AccountFactsRow, AccountFactsRow.account_id == Account.id)
            .where(*conditions)
            .order_by(Account.name, Account.id)
        )
        return [Subsidiary(*row) for row in (await self.session.execute(statement)).all()]

    @staticmethod
    def _year_lines(year: int) -> Any:
        """The revenue lines of ``year``: of its annual period where the account has one, else of its quarters."""
        annual = aliased(Financial)
        has_annual = exists().where(
            annual.account_id == Financial.account_id, annual.year == year, annual.quarter.is_(None)
        )
        return (
            select(RevenueLine)
            .join(Financial, Financial.id == RevenueLine.financial_id)
            .where(Financial.year == year, (Financial.quarter.is_(None)) | ~has_annual)
            .subquery()
        )

    async def bought(
        self, account_ids: Sequence[uuid.UUID], year: int
    ) -> dict[tuple[uuid.UUID, uuid.UUID | None, uuid.UUID], Decimal]:
        """What each account (and each of its buying centers) spent on each offering in ``year``."""
        lines = self._year_lines(year)
        statement = (
            select(lines.c.account_id, lines.c.buying_center_id, lines.c.offering_id, func.sum(lines.c.revenue))
            .where(in_set(lines.c.account_id, account_ids))
            .group_by(lines.c.account_id, lines.c.buying_center_id, lines.c.offering_id)
        )
        return {(a, c, o): total for a, c, o, total in (await self.session.execute(statement)).all()}

    async def open_opportunities(self, account_ids: Sequence[uuid.UUID]) -> Sequence[Any]:
        """The open opportunities of these accounts that name an offering."""
        statement = select(
            Opportunity.account_id,
            Opportunity.buying_center_id,
            Opportunity.offering_id,
            Opportunity.stage,
            Opportunity.probability,
            Opportunity.amount,
        ).where(
            in_set(Opportunity.account_id, account_ids),
            Opportunity.offering_id.is_not(None),
            Opportunity.stage.not_in(CLOSED_STAGES),
        )
        return (await self.session.execute(statement)).all()

    async def in_scope(self, owner_id: uuid.UUID | None, tier: str | None, industry: str | None) -> Sequence[Any]:
        """The live accounts the caller sees, filtered: id, name, tier, industry."""
        conditions: list[ColumnElement[bool]] = [Account.archived_at.is_(None)]
        if self.visibility is not None:
            conditions.append(self.visibility)
        for column, value in ((Account.owner_id, owner_id), (Account.tier, tier), (Account.industry, industry)):
            if value is not None:
                conditions.append(column == value)
        statement = select(Account.id, Account.name, Account.tier, Account.industry).where(*conditions)
        return (await self.session.execute(statement.order_by(Account.name, Account.id))).all()

    async def set_aside_of_accounts(self, account_ids: Sequence[uuid.UUID]) -> set[tuple[uuid.UUID, uuid.UUID]]:
        """The (account, offering) cells of these accounts as a whole that a KAM set aside."""
        statement = select(WhitespaceExclusion.account_id, WhitespaceExclusion.offering_id).where(
            in_set(WhitespaceExclusion.account_id, account_ids),
            WhitespaceExclusion.row_id == WhitespaceExclusion.account_id,
        )
        return {(a, o) for a, o in await self.session.execute(statement)}

    async def sizes(self, account_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Decimal | None]:
        statement = select(AccountFactsRow.account_id, AccountFactsRow.latest_annual_revenue).where(
            in_set(AccountFactsRow.account_id, account_ids)
        )
        return {account_id: size for account_id, size in await self.session.execute(statement)}

    async def exclusions(self, account_id: uuid.UUID) -> dict[tuple[uuid.UUID, uuid.UUID], WhitespaceExclusion]:
        statement = select(WhitespaceExclusion).where(WhitespaceExclusion.account_id == account_id)
        return {(e.row_id, e.offering_id): e for e in (await self.session.execute(statement)).scalars()}

    async def exclusion(
        self, account_id: uuid.UUID, row_id: uuid.UUID, offering_id: uuid.UUID
    ) -> WhitespaceExclusion | None:
        statement = select(WhitespaceExclusion).where(
            WhitespaceExclusion.account_id == account_id,
            WhitespaceExclusion.row_id == row_id,
            WhitespaceExclusion.offering_id == offering_id,
        )
        return (await self.session.execute(statement.with_for_update())).scalar_one_or_none()

    async def save(self, exclusion: WhitespaceExclusion) -> None:
        self.session.add(exclusion)
        await self.session.flush()

    async def delete(self, exclusion: WhitespaceExclusion) -> None:
        await self.session.delete(exclusion)
        await self.session.flush()

    async def offering(self, offering_id: uuid.UUID) -> Offering | None:
        return await self.session.get(Offering, offering_id)

    async def peers(
        self,
        tier: str | None,
        industry: str | None,
        year: int,
        offering_ids: Sequence[uuid.UUID],
    ) -> tuple[dict[uuid.UUID, list[Peer]], dict[uuid.UUID, list[Peer]]]:
        """Per offering, the live accounts of a tier (all of them, and those of an industry too), each
        with its size and what it spent on the offering in ``year``."""
        if tier is None or not offering_ids:
            return {}, {}
        accounts = (
            select(Account.id, Account.industry, AccountFactsRow.latest_annual_revenue.label("size"))
            .join(AccountFactsRow, AccountFactsRow.account_id == Account.id)
            .where(Account.tier == tier, Account.archived_at.is_(None))
        )
        rows = (await self.session.execute(accounts)).all()
        lines = self._year_lines(year)
        spent_statement = (
            select(lines.c.account_id, lines.c.offering_id, func.sum(lines.c.revenue))
            .join(Account, and_(Account.id == lines.c.account_id, Account.tier == tier, Account.archived_at.is_(None)))
            .where(in_set(lines.c.offering_id, offering_ids))
            .group_by(lines.c.account_id, lines.c.offering_id)
        )
        spent: dict[tuple[uuid.UUID, uuid.UUID], Decimal] = {
            (a, o): total for a, o, total in (await self.session.execute(spent_statement)).all()
        }
        same_tier: dict[uuid.UUID, list[Peer]] = defaultdict(list)
        same_industry: dict[uuid.UUID, list[Peer]] = defaultdict(list)
        for offering_id in offering_ids:
            for account_id, peer_industry, size in rows:
                peer = Peer(size or Decimal(0), spent.get((account_id, offering_id), Decimal(0)))
                same_tier[offering_id].append(peer)
                if industry is not None and peer_industry == industry:
                    same_industry[offering_id].append(peer)
        return same_industry, same_tier
