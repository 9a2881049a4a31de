"""All SQL of the account facts: what the rules need beyond the account row, gathered from an
account's records and stored per account, so a page of accounts reads them in one query."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import ColumnElement, Row, Select, Table, and_, func, or_, select, text
from sqlalchemy.dialects.postgresql import array, insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.kit.plain_rows import Columns
from app.kit.sql import one_of
from app.models import (
    Account,
    AccountFactsRow,
    AccountTeamMember,
    Contact,
    Financial,
    FollowUp,
    Interaction,
    Measurement,
    Plan,
    Review,
)
from app.rules.document import MOST_INTERACTIONS_PER_QUARTER
from app.rules.health import RevenueChange, RevenuePeriod, revenue_change

KEY_BUYING_ROLES = ["decision_maker", "economic_buyer"]
SUPPORTIVE = ("champion", "supporter")
# Enough measurements for the longest trend the rules can ask for (engagement_declining_count <= 10).
MEASUREMENTS_NEEDED = 10
FACTS_BATCH = 1000


def open_follow_ups() -> ColumnElement[bool]:
    """A follow-up is open until it is marked done or dropped, or an interaction naming it is recorded."""
    return FollowUp.status == "open"


@dataclass(frozen=True)
class AccountFacts:
    """Inputs of the rules that live outside the account row."""

    team_size: int = 0
    last_interaction_at: datetime | None = None
    last_review_at: datetime | None = None
    latest_annual_revenue: Decimal | None = None
    latest_annual_cost: Decimal | None = None
    latest_annual_service_revenue: Decimal | None = None
    previous_annual_revenue: Decimal | None = None
    revenue_change: RevenueChange | None = None
    decision_maker_engaged_at: datetime | None = None
    has_champion_or_supporter: bool = False
    has_influential_opponent: bool = False
    key_contact_left_at: datetime | None = None
    engagement_values: tuple[Decimal, ...] = ()
    latest_improvement: Decimal | None = None
    has_active_plan: bool = False
    has_active_recovery_plan: bool = False
    revenue_changed_at: datetime | None = None
    open_follow_up_due_at: datetime | None = None
    recent_interactions: tuple[datetime, ...] = ()
    # When the computed view last changed (kept beside the facts by app/events; not gathered).
    judged_at: datetime | None = None


def _to_row(account_id: uuid.UUID, facts: AccountFacts) -> dict[str, Any]:
    change = facts.revenue_change
    return {
        "account_id": account_id,
        "team_size": facts.team_size,
        "last_interaction_at": facts.last_interaction_at,
        "last_review_at": facts.last_review_at,
        "decision_maker_engaged_at": facts.decision_maker_engaged_at,
        "has_champion_or_supporter": facts.has_champion_or_supporter,
        "has_influential_opponent": facts.has_influential_opponent,
        "key_contact_left_at": facts.key_contact_left_at,
        "latest_annual_revenue": facts.latest_annual_revenue,
        "latest_annual_cost": facts.latest_annual_cost,
        "latest_annual_service_revenue": facts.latest_annual_service_revenue,
        "previous_annual_revenue": facts.previous_annual_revenue,
        "revenue_period": change.latest.label if change else None,
        "previous_revenue_period": change.previous.label if change else None,
        "revenue": change.latest.revenue if change else None,
        "previous_revenue": change.previous.revenue if change else None,
        "engagement_values": list(facts.engagement_values),
        "latest_improvement": facts.latest_improvement,
        "has_active_plan": facts.has_active_plan,
        "has_active_recovery_plan": facts.has_active_recovery_plan,
        "revenue_changed_at": facts.revenue_changed_at,
        "open_follow_up_due_at": facts.open_follow_up_due_at,
        "recent_interactions": list(facts.recent_interactions),
    }


def _changed_at(change: RevenueChange | None, periods: list[tuple]) -> datetime | None:
    """When the figures of the change's two periods were last written."""
    if change is None:
        return None
    compared = {(change.latest.year, change.latest.quarter), (change.previous.year, change.previous.quarter)}
    return max(written for year, quarter, *_, written in periods if (year, quarter) in compared)


def _period(label: str, revenue: Decimal) -> RevenuePeriod:
    year, _, quarter = label.partition("-Q")
    return RevenuePeriod(int(year), int(quarter) if quarter else None, revenue)


def from_row(row: AccountFactsRow | Columns | Row) -> AccountFacts:
    change = None
    # The four columns of a revenue change are written together, all set or all null.
    periods = (row.revenue_period, row.revenue, row.previous_revenue_period, row.previous_revenue)
    if None not in periods:
        latest, revenue, previous, previous_revenue = periods
        change = RevenueChange(
            _period(latest, revenue),  # type: ignore[arg-type]
            _period(previous, previous_revenue),  # type: ignore[arg-type]
        )
    return AccountFacts(
        team_size=row.team_size,
        last_interaction_at=row.last_interaction_at,
        last_review_at=row.last_review_at,
        latest_annual_revenue=row.latest_annual_revenue,
        latest_annual_cost=row.latest_annual_cost,
        latest_annual_service_revenue=row.latest_annual_service_revenue,
        previous_annual_revenue=row.previous_annual_revenue,
        revenue_change=change,
        decision_maker_engaged_at=row.decision_maker_engaged_at,
        has_champion_or_supporter=row.has_champion_or_supporter,
        has_influential_opponent=row.has_influential_opponent,
        key_contact_left_at=row.key_contact_left_at,
        engagement_values=tuple(row.engagement_values),
        latest_improvement=row.latest_improvement,
        has_active_plan=row.has_active_plan,
        has_active_recovery_plan=row.has_active_recovery_plan,
        revenue_changed_at=row.revenue_changed_at,
        open_follow_up_due_at=row.open_follow_up_due_at,
        recent_interactions=tuple(row.recent_interactions),
        judged_at=row.judged_at,
    )


class FactsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def facts(self, account_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, AccountFacts]:
        """The stored facts of many accounts in one query; an account without a row yet (created
        before facts were kept) has its facts gathered now and stored."""
        if not account_ids:
            return {}
        rows = await self.session.execute(
            select(AccountFactsRow).where(one_of(AccountFactsRow.account_id, account_ids))
        )
        stored = {row.account_id: from_row(row) for row in rows.scalars()}
        missing = [account_id for account_id in account_ids if account_id not in stored]
        if missing:
            stored |= await self.refresh_facts(missing)
        return stored

    async def ensure_facts(self, batch: int = FACTS_BATCH) -> None:
        """Gather the facts of accounts that have none stored yet (created before facts were kept),
        walking the accounts once in id order."""
        last_id: uuid.UUID | None = None
        while True:
            has_facts = select(AccountFactsRow.account_id).where(AccountFactsRow.account_id == Account.id).exists()
            statement = select(Account.id).where(~has_facts).order_by(Account.id).limit(batch)
            if last_id is not None:
                statement = statement.where(Account.id > last_id)
            missing = list((await self.session.execute(statement)).scalars())
            if not missing:
                return
            await self.refresh_facts(missing)
            last_id = missing[-1]

    async def existing_accounts(self, account_ids: Sequence[uuid.UUID]) -> list[uuid.UUID]:
        """Those of these accounts that exist, in the order given."""
        found = set((await self.session.execute(select(Account.id).where(one_of(Account.id, account_ids)))).scalars())
        return [account_id for account_id in account_ids if account_id in found]

    async def refresh_facts(self, account_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, AccountFacts]:
        """Gather the facts of these accounts from their records and store them."""
        facts = await self.live_facts(account_ids)
        if facts:
            values = [_to_row(account_id, fact) for account_id, fact in facts.items()]
            # Into the table, not the mapped class: the ORM would send an upsert per row, Core sends the
            # rows in multi-row batches. Parameters apart from the statement: its SQL is compiled once
            # and cached, instead of compiling a statement holding every value.
            statement = insert(cast(Table, AccountFactsRow.__table__))
            columns: dict[str, Any] = {key: statement.excluded[key] for key in values[0] if key != "account_id"}
            columns["judged_until"] = None  # new facts: the view judged from the old ones no longer holds
            upsert = statement.on_conflict_do_update(index_elements=["account_id"], set_=columns)
            await self.session.execute(upsert, values)
        return facts

    async def analyze(self) -> None:
        """Read the stored facts' statistics again (what the planner estimates the filters from)."""
        await self.session.execute(text("ANALYZE account_facts"))

    async def live_facts(self, account_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, AccountFacts]:
        """What the rules need beyond the account row, gathered from the records, for many accounts
        at once: one query per kind of fact, whatever the number of accounts."""
        if not account_ids:
            return {}
        ids = list(account_ids)
        team_sizes = await self._grouped(select(AccountTeamMember.account_id, func.count()), AccountTeamMember, ids)
        last_interactions = await self._grouped(
            select(Interaction.account_id, func.max(Interaction.occurred_at)), Interaction, ids
        )
        last_reviews = await self._grouped(select(Review.account_id, func.max(Review.held_at)), Review, ids)
        # One active plan per account at most: its kind.
        active_plans = await self._grouped(
            select(Plan.account_id, func.min(Plan.kind)).where(Plan.status == "active"), Plan, ids
        )
        people = await self._people_facts(ids)
        engaged = await self._decision_makers_engaged(ids)
        revenue = await self._revenue_periods(ids)
        measured = await self._recent_measurements(ids)
        follow_ups = await self._open_follow_ups(ids)
        recent = await self._recent_interactions(ids)
        facts = {}
        for account_id in ids:
            periods = revenue.get(account_id, [])
            change = revenue_change([RevenuePeriod(year, quarter, amount) for year, quarter, amount, *_ in periods])
            latest_year = next((period for period in periods if period[1] is None), None)
            supportive, opponent, key_left = people.get(account_id, (False, False, None))
            engagement = measured.get((account_id, "engagement"), [])
            improvement = measured.get((account_id, "improvement"), [])
            facts[account_id] = AccountFacts(
                team_size=team_sizes.get(account_id, 0),
                last_interaction_at=last_interactions.get(account_id),
                last_review_at=last_reviews.get(account_id),
                latest_annual_revenue=latest_year[2] if latest_year else None,
                latest_annual_cost=latest_year[3] if latest_year else None,
                latest_annual_service_revenue=latest_year[4] if latest_year else None,
                previous_annual_revenue=next(
                    (p[2] for p in periods if latest_year and p[1] is None and p[0] == latest_year[0] - 1), None
                ),
                revenue_change=change,
                revenue_changed_at=_changed_at(change, periods),
                decision_maker_engaged_at=engaged.get(account_id),
                has_champion_or_supporter=bool(supportive),
                has_influential_opponent=bool(opponent),
                key_contact_left_at=key_left,
                engagement_values=tuple(engagement),
                latest_improvement=improvement[0] if improvement else None,
                has_active_plan=account_id in active_plans,
                has_active_recovery_plan=active_plans.get(account_id) == "recovery",
                open_follow_up_due_at=follow_ups.get(account_id),
                recent_interactions=tuple(recent.get(account_id, ())),
            )
        return facts

    async def _open_follow_ups(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, datetime]:
        """The due date of each account's oldest open follow-up (see ``open_follow_ups``)."""
        statement = (
            select(FollowUp.account_id, func.min(FollowUp.due_at))
            .where(one_of(FollowUp.account_id, ids), open_follow_ups())
            .group_by(FollowUp.account_id)
        )
        rows = await self.session.execute(statement)
        return {account_id: due for account_id, due in rows if due is not None}

    async def _recent_interactions(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, list[datetime]]:
        """When each account's latest interactions took place, newest first."""
        rank = (
            func.row_number()
            .over(partition_by=Interaction.account_id, order_by=Interaction.occurred_at.desc())
            .label("rank")
        )
        ranked = (
            select(Interaction.account_id, Interaction.occurred_at, rank)
            .where(one_of(Interaction.account_id, ids))
            .subquery()
        )
        statement = (
            select(ranked.c.account_id, ranked.c.occurred_at)
            .where(ranked.c.rank <= MOST_INTERACTIONS_PER_QUARTER)
            .order_by(ranked.c.account_id, ranked.c.rank)
        )
        times: dict[uuid.UUID, list[datetime]] = {}
        for account_id, occurred_at in await self.session.execute(statement):
            times.setdefault(account_id, []).append(occurred_at)
        return times

    async def _people_facts(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, tuple[bool, bool, datetime | None]]:
        active = Contact.status == "active"
        key_person = or_(Contact.buying_roles.overlap(KEY_BUYING_ROLES), Contact.attitude == "champion")
        statement = (
            select(
                Contact.account_id,
                func.bool_or(and_(active, Contact.attitude.in_(SUPPORTIVE))),
                func.bool_or(and_(active, Contact.attitude == "opponent", Contact.influence == "high")),
                func.max(Contact.left_at).filter(and_(Contact.status == "left", key_person)),
            )
            .where(one_of(Contact.account_id, ids))
            .group_by(Contact.account_id)
        )
        return {row[0]: (row[1], row[2], row[3]) for row in await self.session.execute(statement)}

    async def _decision_makers_engaged(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, datetime]:
        """When an active decision maker last took part in an interaction, per account."""
        statement = (
            select(Contact.account_id, func.max(Interaction.occurred_at))
            .join(
                Interaction,
                and_(
                    Interaction.account_id == Contact.account_id, Interaction.contact_ids.contains(array([Contact.id]))
                ),
            )
            .where(
                one_of(Contact.account_id, ids),
                Contact.status == "active",
                Contact.buying_roles.contains(["decision_maker"]),
            )
            .group_by(Contact.account_id)
        )
        return {account_id: at for account_id, at in await self.session.execute(statement)}

    async def _revenue_periods(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, list[tuple]]:
        """The two latest years and the two latest quarters of each account, newest first."""
        rank = (
            func.row_number()
            .over(
                partition_by=(Financial.account_id, Financial.quarter.is_(None)),
                order_by=(Financial.year.desc(), Financial.quarter.desc().nulls_last()),
            )
            .label("rank")
        )
        ranked = (
            select(
                Financial.account_id,
                Financial.year,
                Financial.quarter,
                Financial.revenue,
                Financial.cost_to_serve,
                Financial.service_revenue,
                Financial.updated_at,
                rank,
            )
            .where(one_of(Financial.account_id, ids))
            .subquery()
        )
        statement = (
            select(
                ranked.c.account_id,
                ranked.c.year,
                ranked.c.quarter,
                ranked.c.revenue,
                ranked.c.cost_to_serve,
                ranked.c.service_revenue,
                ranked.c.updated_at,
            )
            .where(ranked.c.rank <= 2)
            .order_by(ranked.c.account_id, ranked.c.year.desc(), ranked.c.quarter.desc().nulls_first())
        )
        periods: dict[uuid.UUID, list[tuple]] = {}
        for account_id, year, quarter, revenue, cost, service, written in await self.session.execute(statement):
            periods.setdefault(account_id, []).append((year, quarter, revenue, cost, service, written))
        return periods

    async def _recent_measurements(self, ids: list[uuid.UUID]) -> dict[tuple[uuid.UUID, str], list[Decimal]]:
        """The newest engagement and improvement values of each account, newest first."""
        rank = (
            func.row_number()
            .over(
                partition_by=(Measurement.account_id, Measurement.kind),
                order_by=(Measurement.measured_at.desc(), Measurement.created_at.desc()),
            )
            .label("rank")
        )
        ranked = (
            select(Measurement.account_id, Measurement.kind, Measurement.value, Measurement.measured_at, rank)
            .where(one_of(Measurement.account_id, ids), Measurement.kind.in_(("engagement", "improvement")))
            .subquery()
        )
        statement = (
            select(ranked.c.account_id, ranked.c.kind, ranked.c.value)
            .where(ranked.c.rank <= MEASUREMENTS_NEEDED)
            .order_by(ranked.c.account_id, ranked.c.kind, ranked.c.rank)
        )
        values: dict[tuple[uuid.UUID, str], list[Decimal]] = {}
        for account_id, kind, value in await self.session.execute(statement):
            values.setdefault((account_id, kind), []).append(value)
        return values

    async def _grouped(self, statement: Select, model: type[Any], ids: list[uuid.UUID]) -> dict[uuid.UUID, Any]:
        grouped = statement.where(one_of(model.account_id, ids)).group_by(model.account_id)
        return {account_id: value for account_id, value in await self.session.execute(grouped)}
