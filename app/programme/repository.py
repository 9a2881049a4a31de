"""All SQL of the programme's reports: a year's figures per tier and owner, the pipeline expected
to close in it, the deals won in a period at the tier of their account then, and the ranks behind
the criteria's correlations. Each is one grouped statement."""

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Numeric,
    Select,
    case,
    cast,
    func,
    literal,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy.dialects.postgresql import array, distinct_on
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Account, Financial, Interaction, Opportunity, Target, TierChange, User
from app.rules.opportunities import CLOSED_STAGES


def year_bounds(year: int) -> tuple[datetime, datetime]:
    return datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)


def year_revenue(year: int) -> Any:
    """Each account's revenue and cost to serve in ``year``: of its annual period where it has one,
    else the sum of its quarters (the year so far)."""
    annual = func.bool_or(Financial.quarter.is_(None))

    def of(column: Any) -> Any:
        return case((annual, func.max(column).filter(Financial.quarter.is_(None))), else_=func.sum(column))

    return (
        select(
            Financial.account_id,
            of(Financial.revenue).label("revenue"),
            of(Financial.cost_to_serve).label("cost"),
        )
        .where(Financial.year == year)
        .group_by(Financial.account_id)
        .subquery()
    )


def _counted(model: Any, moment: Any, start: datetime, end: datetime, *where: ColumnElement[bool]) -> Any:
    return (
        select(model.account_id, func.count().label("count"))
        .where(moment >= start, moment < end, *where)
        .group_by(model.account_id)
        .subquery()
    )


class ProgrammeRepository:
    def __init__(self, session: AsyncSession, visibility: ColumnElement[bool] | None, today: date) -> None:
        self.session = session
        self.visibility = visibility
        self.today = today

    def tiers(self, year: int) -> Any:
        """The accounts of a year with their tier then: today's for this year (the live accounts), the
        last tier decided before its end for a year past (the accounts that existed and were live)."""
        conditions: list[ColumnElement[bool]] = []
        if self.visibility is not None:
            conditions.append(self.visibility)
        if year >= self.today.year:
            return (
                select(Account.id.label("account_id"), Account.tier, Account.owner_id)
                .where(Account.archived_at.is_(None), *conditions)
                .subquery()
            )
        _, end = year_bounds(year)
        last = (
            select(TierChange.account_id, TierChange.to_tier.label("tier"))
            .where(TierChange.created_at < end)
            .ext(distinct_on(TierChange.account_id))
            .order_by(TierChange.account_id, TierChange.created_at.desc(), TierChange.id.desc())
            .subquery()
        )
        return (
            select(last.c.account_id, last.c.tier, Account.owner_id)
            .join(Account, Account.id == last.c.account_id)
            .where(or_(Account.archived_at.is_(None), Account.archived_at >= end), *conditions)
            .subquery()
        )

    async def year(self, year: int) -> Sequence[Any]:
        """Per tier (then) and owner: accounts, revenue and cost in the year and the year before, how
        many bought in both, interactions held and deals won in the year."""
        start, end = year_bounds(year)
        tiers = self.tiers(year)
        now, before = year_revenue(year), year_revenue(year - 1)
        held = _counted(Interaction, Interaction.occurred_at, start, end)
        won = _counted(Opportunity, Opportunity.closed_at, start, end, Opportunity.stage == "closed_won")
        statement = (
            select(
                tiers.c.tier,
                tiers.c.owner_id,
                func.count().label("accounts"),
                func.coalesce(func.sum(now.c.revenue), 0).label("revenue"),
                func.coalesce(func.sum(now.c.revenue).filter(now.c.cost.is_not(None)), 0).label("costed_revenue"),
                func.coalesce(func.sum(now.c.cost), 0).label("cost"),
                func.coalesce(func.sum(before.c.revenue), 0).label("previous_revenue"),
                func.count().filter(before.c.revenue > 0).label("bought_before"),
                func.count().filter(before.c.revenue > 0, now.c.revenue > 0).label("retained"),
                cast(func.coalesce(func.sum(held.c.count), 0), Integer).label("interactions"),
                cast(func.coalesce(func.sum(won.c.count), 0), Integer).label("deals_won"),
            )
            .select_from(tiers)
            .outerjoin(now, now.c.account_id == tiers.c.account_id)
            .outerjoin(before, before.c.account_id == tiers.c.account_id)
            .outerjoin(held, held.c.account_id == tiers.c.account_id)
            .outerjoin(won, won.c.account_id == tiers.c.account_id)
            .group_by(tiers.c.tier, tiers.c.owner_id)
        )
        return (await self.session.execute(statement)).all()

    async def pipeline_closing(self, year: int) -> Sequence[Any]:
        """The open pipeline expected to close in ``year``, per tier (today's), owner, stage and
        probability set by hand: the amount."""
        tiers = self.tiers(self.today.year)
        statement = (
            select(
                tiers.c.tier,
                tiers.c.owner_id,
                Opportunity.stage,
                Opportunity.probability,
                func.sum(Opportunity.amount).label("amount"),
            )
            .join(tiers, tiers.c.account_id == Opportunity.account_id)
            .where(
                Opportunity.stage.not_in(CLOSED_STAGES),
                Opportunity.expected_close_date >= date(year, 1, 1),
                Opportunity.expected_close_date <= date(year, 12, 31),
            )
            .group_by(tiers.c.tier, tiers.c.owner_id, Opportunity.stage, Opportunity.probability)
        )
        return (await self.session.execute(statement)).all()

    async def won(self, start: datetime, end: datetime, owner_id: uuid.UUID | None) -> Sequence[Any]:
        rows: Sequence[Any] = (await self.session.execute(self.won_statement(start, end, owner_id))).all()
        return rows

    def won_statement(
        self, start: datetime, end: datetime, owner_id: uuid.UUID | None, *, by_day: bool = False
    ) -> Select[Any]:
        """The deals won in [start, end), per owner (the deal's, else its account's) and the tier of
        their account when each was won (the last tier decided before): count and amount; per day
        (UTC) too when asked."""
        tier_then = (
            select(TierChange.to_tier)
            .where(TierChange.account_id == Opportunity.account_id, TierChange.created_at <= Opportunity.closed_at)
            .order_by(TierChange.created_at.desc(), TierChange.id.desc())
            .limit(1)
            .correlate(Opportunity)
            .scalar_subquery()
        )
        owner = func.coalesce(Opportunity.owner_id, Account.owner_id)
        conditions = [
            Opportunity.stage == "closed_won",
            Opportunity.closed_at >= start,
            Opportunity.closed_at < end,
        ]
        if self.visibility is not None:
            conditions.append(self.visibility)
        if owner_id is not None:
            conditions.append(owner == owner_id)
        day = func.date(func.timezone("UTC", Opportunity.closed_at))
        tiered = (
            select(owner.label("owner_id"), tier_then.label("tier"), day.label("day"), Opportunity.amount)
            .join(Account, Account.id == Opportunity.account_id)
            .where(*conditions)
            .subquery()
        )
        grouped = [tiered.c.owner_id, tiered.c.tier, *([tiered.c.day] if by_day else [])]
        return select(*grouped, func.count().label("deals"), func.sum(tiered.c.amount).label("amount")).group_by(
            *grouped
        )

    async def owner_revenue(self, year: int, owner_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Any]:
        """What these owners' accounts (today's) brought in ``year``."""
        revenue = year_revenue(year)
        conditions: list[ColumnElement[bool]] = [Account.owner_id.in_(owner_ids)]
        if self.visibility is not None:
            conditions.append(self.visibility)
        statement = (
            select(Account.owner_id, func.coalesce(func.sum(revenue.c.revenue), 0))
            .join(revenue, revenue.c.account_id == Account.id)
            .where(*conditions)
            .group_by(Account.owner_id)
        )
        return {owner: amount for owner, amount in (await self.session.execute(statement)).all()}

    async def criteria_ranks(self, year: int, keys: Sequence[str], outcome: str) -> Sequence[Any]:
        """For the live accounts scored on every criterion whose ``outcome`` in ``year`` is known
        (growth: revenue then over the year before, both above 0; margin: revenue above 0 and a cost
        stated): per criterion (and the total score, key '') and per score, how many accounts have
        it and the sum of their outcome's ranks (ties at the mean of their places) and of its square.
        The row without a criterion sums every account's rank."""
        now, before = year_revenue(year), year_revenue(year - 1)
        if outcome == "growth":
            measure = now.c.revenue / before.c.revenue
            known = [now.c.revenue > 0, before.c.revenue > 0]
        else:
            measure = (now.c.revenue - now.c.cost) / now.c.revenue
            known = [now.c.revenue > 0, now.c.cost.is_not(None)]
        conditions = [Account.archived_at.is_(None), Account.score.is_not(None), *known]
        if keys:
            conditions.append(Account.scores.has_all(array(list(keys))))
        if self.visibility is not None:
            conditions.append(self.visibility)
        ranked = (
            select(
                Account.id,
                Account.scores,
                Account.score,
                (
                    func.rank().over(order_by=measure)
                    + (func.count().over(partition_by=measure) - 1) / literal_column("2.0")
                ).label("rank"),
            )
            .join(now, now.c.account_id == Account.id)
            .outerjoin(before, before.c.account_id == Account.id)
            .where(*conditions)
            .subquery()
        )
        # The total score under the key '', each criterion's score under its key.
        values = union_all(
            select(ranked.c.rank, literal("").label("key"), ranked.c.score.label("value")),
            *(select(ranked.c.rank, literal(key), cast(ranked.c.scores[key].astext, Numeric)) for key in keys),
        ).subquery()
        statement = select(
            values.c.key,
            values.c.value,
            func.count().label("accounts"),
            func.sum(values.c.rank).label("ranks"),
            func.sum(values.c.rank * values.c.rank).label("squares"),
        ).group_by(values.c.key, values.c.value)
        return (await self.session.execute(statement)).all()

    async def names(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
        statement = select(User.id, User.name).where(User.id.in_(ids))
        return {user_id: name for user_id, name in (await self.session.execute(statement)).all()}

    async def target(self, year: int) -> Target | None:
        return (await self.session.execute(select(Target).where(Target.year == year))).scalar_one_or_none()
