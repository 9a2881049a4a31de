"""The SQL of the whitespace map: the rows (buying centers, subsidiaries), what each bought in a year,
its open opportunities and the cells set aside (what peers buy: app/whitespace/kept.py)."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, String, exists, func, literal, select, tuple_, union_all
from sqlalchemy.dialects.postgresql import UUID
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


def year_lines(year: int) -> Any:
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


def owners(year: int, accounts: Any) -> Any:
    """What each of these accounts (a CTE with their ``id``) spent on each offering it bought in ``year``:
    account_id, offering_id, spent (above 0)."""
    lines = year_lines(year)
    return (
        select(lines.c.account_id, lines.c.offering_id, func.sum(lines.c.revenue).label("spent"))
        .join(accounts, accounts.c.id == lines.c.account_id)
        .group_by(lines.c.account_id, lines.c.offering_id)
        .having(func.sum(lines.c.revenue) > 0)
    )


def penetration(scope: Any, year: int, *by: str) -> Any:
    """Per offering and cell status but gap (app/rules/whitespace.py; the account as a whole): the
    accounts of ``scope`` (a CTE: id, owner_id, tier, industry), what they spent on it in ``year`` and
    how many are key accounts; the row without offering or status counts every account of the scope.
    Grouped too by the scope's columns named in ``by``."""
    owned = owners(year, scope).cte("owned")
    piped = (
        select(Opportunity.account_id, Opportunity.offering_id)
        .join(scope, scope.c.id == Opportunity.account_id)
        .where(Opportunity.offering_id.is_not(None), Opportunity.stage.not_in(CLOSED_STAGES))
        .distinct()
        .cte("piped")
    )
    aside = (
        select(WhitespaceExclusion.account_id, WhitespaceExclusion.offering_id)
        .join(scope, scope.c.id == WhitespaceExclusion.account_id)
        .where(WhitespaceExclusion.row_id == WhitespaceExclusion.account_id)
        .cte("aside")
    )

    def among(cell: Any, source: Any) -> ColumnElement[bool]:
        return exists().where(source.c.account_id == cell.c.account_id, source.c.offering_id == cell.c.offering_id)

    nothing = literal(None, UUID(as_uuid=True))
    cells = union_all(
        select(scope.c.id, nothing, literal(0), literal(None, String)),
        select(owned.c.account_id, owned.c.offering_id, owned.c.spent, literal("owned")),
        select(piped.c.account_id, piped.c.offering_id, literal(0), literal("pipeline")).where(~among(piped, owned)),
        select(aside.c.account_id, aside.c.offering_id, literal(0), literal("not_eligible")).where(
            ~among(aside, owned), ~among(aside, piped)
        ),
    ).subquery("cells")
    account_id, offering_id, spent, status = cells.c
    grouped = [scope.c[name] for name in by]
    return (
        select(
            *grouped,
            offering_id.label("offering_id"),
            status.label("status"),
            func.count().label("accounts"),
            func.sum(spent).label("revenue"),
            func.count().filter(scope.c.tier == "key").label("key_accounts"),
        )
        .join(scope, scope.c.id == account_id)
        .group_by(*grouped, offering_id, status)
    )


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

    async def bought(
        self, account_ids: Sequence[uuid.UUID], year: int
    ) -> dict[tuple[uuid.UUID, uuid.UUID | None, uuid.UUID], Decimal]:
        """What each account (and each of its buying centers) spent on each offering in ``year``."""
        lines = year_lines(year)
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

    def _scope(self, owner_id: uuid.UUID | None, tier: str | None, industry: str | None) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = [Account.archived_at.is_(None)]
        if self.visibility is not None:
            conditions.append(self.visibility)
        for column, value in ((Account.owner_id, owner_id), (Account.tier, tier), (Account.industry, industry)):
            if value is not None:
                conditions.append(column == value)
        return conditions

    def scope(self, owner_id: uuid.UUID | None, tier: str | None, industry: str | None) -> Any:
        """The live accounts the caller sees, filtered, as a CTE: id, owner_id, tier, industry."""
        return (
            select(Account.id, Account.owner_id, Account.tier, Account.industry)
            .where(*self._scope(owner_id, tier, industry))
            .cte("scope")
        )

    async def penetration(
        self, owner_id: uuid.UUID | None, tier: str | None, industry: str | None, year: int
    ) -> Sequence[Any]:
        return (await self.session.execute(penetration(self.scope(owner_id, tier, industry), year))).all()

    async def by_size(
        self,
        owner_id: uuid.UUID | None,
        tier: str | None,
        industry: str | None,
        after: tuple[Decimal, uuid.UUID] | None,
        limit: int,
    ) -> Sequence[Any]:
        """The next accounts in scope of a known size, the largest first (then by id): id, name, tier,
        industry, size."""
        size = AccountFactsRow.latest_annual_revenue
        conditions = [*self._scope(owner_id, tier, industry), size > 0]
        if after is not None:
            conditions.append(tuple_(size, Account.id) < tuple_(*after))
        statement = (
            select(Account.id, Account.name, Account.tier, Account.industry, size.label("size"))
            .join(AccountFactsRow, AccountFactsRow.account_id == Account.id)
            .where(*conditions)
            .order_by(size.desc(), Account.id.desc())
            .limit(limit)
        )
        return (await self.session.execute(statement)).all()

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
