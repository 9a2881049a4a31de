"""All SQL of the account facts: what the rules need beyond the account row, gathered from an
account's records and stored per account, so a page of accounts reads them in one query."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, bindparam, select, text
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from app.models import (
    Account,
    AccountFactsRow,
    FollowUp,
)
from app.plumbing.plain_rows import AttributeRow
from app.plumbing.sql import SetWise, one_of
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


def _changed_at(change: RevenueChange | None, periods: list[tuple[Any, ...]]) -> datetime | None:
    """When the figures of the change's two periods were last written."""
    if change is None:
        return None
    compared = {(change.latest.year, change.latest.quarter), (change.previous.year, change.previous.quarter)}
    written: datetime = max(at for year, quarter, *_, at in periods if (year, quarter) in compared)
    return written


def _period(label: str, revenue: Decimal) -> RevenuePeriod:
    year, _, quarter = label.partition("-Q")
    return RevenuePeriod(int(year), int(quarter) if quarter else None, revenue)


def from_row(row: AccountFactsRow | AttributeRow) -> AccountFacts:
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


# The gathered facts of many accounts stored in one statement (a column's values as one array). The
# judgement kept beside them is left to the judge; stored anew, they no longer tell until when it holds.
_JUDGED = tuple(column.name for column in AccountFactsRow.__table__.columns if column.name.startswith("judged_"))
_FACTS = SetWise(AccountFactsRow, filled_by_database=_JUDGED)
_STORE = text(
    f"{_FACTS.insert.text} ON CONFLICT (account_id) DO UPDATE SET "
    + ", ".join(f"{column.name} = EXCLUDED.{column.name}" for column in _FACTS.columns if column.name != "account_id")
    + ", judged_until = NULL"
)
_STALE = "account_facts_stale"
_GATHERED = "account_facts_gathered"
_NEW = "account_facts_new"


def _accounts(session: Session, key: str) -> set[uuid.UUID]:
    accounts: set[uuid.UUID] = session.info.setdefault(key, set())
    return accounts


def mark_stale(session: Session, account_ids: Iterable[uuid.UUID]) -> None:
    """The transaction wrote records these accounts' facts are gathered from."""
    _accounts(session, _STALE).update(account_ids)


def stale_accounts(session: Session) -> set[uuid.UUID]:
    """The accounts whose records the transaction wrote since their facts were last gathered in it
    (the set itself: the caller may change it)."""
    return _accounts(session, _STALE)


def mark_new(session: Session, account_ids: Iterable[uuid.UUID]) -> None:
    """The transaction created these accounts: until a record of theirs is written, their facts are
    those of an account with no record, known without gathering them."""
    _accounts(session, _NEW).update(account_ids)


def new_accounts(session: Session) -> set[uuid.UUID]:
    """The accounts the transaction created whose facts are not stored yet (the set itself)."""
    return _accounts(session, _NEW)


def take_gathered(session: Session) -> set[uuid.UUID]:
    """The accounts whose facts the transaction stored anew so far: their computed view may have
    changed."""
    gathered: set[uuid.UUID] = session.info.pop(_GATHERED, set())
    return gathered


class FactsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def facts(self, account_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, AccountFacts]:
        """The stored facts of many accounts in one query; an account without a row yet (created by
        this transaction, or before facts were kept) has its facts gathered now and stored."""
        if not account_ids:
            return {}
        rows = await self.session.execute(
            select(AccountFactsRow).where(one_of(AccountFactsRow.account_id, account_ids))
        )
        stored = {row.account_id: from_row(row) for row in rows.scalars()}
        missing = [account_id for account_id in account_ids if account_id not in stored]
        return stored | (await self.store_current(missing) if missing else {})

    async def ensure_facts(self, batch: int = FACTS_BATCH) -> None:
        """Gather the facts of accounts that have none stored yet (created before facts were kept, or
        copied in by the demo), walking the accounts once in id order. Their views are left to the
        clock to judge: judging them all before this commit would hold every account in memory."""
        last_id: uuid.UUID | None = None
        while True:
            has_facts = select(AccountFactsRow.account_id).where(AccountFactsRow.account_id == Account.id).exists()
            statement = select(Account.id).where(~has_facts).order_by(Account.id).limit(batch)
            if last_id is not None:
                statement = statement.where(Account.id > last_id)
            missing = list((await self.session.execute(statement)).scalars())
            if not missing:
                return
            await self.refresh_facts(missing, judge=False)
            last_id = missing[-1]

    async def refresh_facts(
        self, account_ids: Sequence[uuid.UUID], *, judge: bool = True
    ) -> dict[uuid.UUID, AccountFacts]:
        """Gather the facts of these accounts from their records and store them (an id naming no
        account is left out); ``judge``: their views are judged, and changes told, before the commit."""
        facts = await self.live_facts(account_ids)
        await self._store(account_ids, facts, judge=judge)
        return facts

    async def store_current(self, account_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, AccountFacts]:
        """Store the facts of these accounts as they are now, in one statement: those of an account
        this transaction created and wrote no record of without a query (an account with no record
        has no facts), the others gathered from their records (an id naming no account is left out).
        They are current then: the transaction stores them again only if it writes their records
        again (``mark_stale``)."""
        session = self.session.sync_session
        known = new_accounts(session) - stale_accounts(session)
        gathered = [account_id for account_id in account_ids if account_id not in known]
        facts = dict.fromkeys((account_id for account_id in account_ids if account_id in known), AccountFacts())
        facts |= await self.live_facts(gathered)
        await self._store(account_ids, facts)
        return facts

    async def _store(
        self, account_ids: Sequence[uuid.UUID], facts: dict[uuid.UUID, AccountFacts], *, judge: bool = True
    ) -> None:
        session = self.session.sync_session
        for done in (stale_accounts(session), new_accounts(session)):
            done.difference_update(account_ids)
        if judge:
            _accounts(session, _GATHERED).update(facts)
        if facts:
            rows = [_to_row(account_id, fact) for account_id, fact in facts.items()]
            await self.session.execute(_STORE, _FACTS.row_parameters(rows))

    async def analyze(self) -> None:
        """Read the stored facts' statistics again (what the planner estimates the filters from)."""
        await self.session.execute(text("ANALYZE account_facts"))

    async def live_facts(self, account_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, AccountFacts]:
        """What the rules need beyond the account row, gathered from the records, for many existing
        accounts at once, in one statement (an id naming no account is left out)."""
        if not account_ids:
            return {}
        rows = await self.session.execute(_GATHER, {"ids": list(account_ids)})
        facts = {}
        for row in rows:
            periods = [tuple(period) for period in row.periods]
            change = revenue_change([RevenuePeriod(year, quarter, amount) for year, quarter, amount, *_ in periods])
            latest_year = next((period for period in periods if period[1] is None), None)
            facts[row.account_id] = AccountFacts(
                team_size=row.team_size,
                last_interaction_at=row.last_interaction_at,
                last_review_at=row.last_review_at,
                latest_annual_revenue=latest_year[2] if latest_year else None,
                latest_annual_cost=latest_year[3] if latest_year else None,
                latest_annual_service_revenue=latest_year[4] if latest_year else None,
                previous_annual_revenue=next(
                    (p[2] for p in periods if latest_year and p[1] is None and p[0] == latest_year[0] - 1), None
                ),
                revenue_change=change,
                revenue_changed_at=_changed_at(change, periods),
                decision_maker_engaged_at=row.decision_maker_engaged_at,
                has_champion_or_supporter=bool(row.supportive),
                has_influential_opponent=bool(row.opponent),
                key_contact_left_at=row.key_contact_left_at,
                engagement_values=tuple(row.engagement_values),
                latest_improvement=row.improvements[0] if row.improvements else None,
                has_active_plan=row.active_plan_kind is not None,
                has_active_recovery_plan=row.active_plan_kind == "recovery",
                open_follow_up_due_at=row.open_follow_up_due_at,
                recent_interactions=tuple(row.recent_interactions),
            )
        return facts


def _roles(roles: Sequence[str]) -> str:
    return "ARRAY[" + ", ".join(f"'{role}'" for role in roles) + "]::varchar[]"


# Every fact of many accounts in one statement: a subquery per fact, each on its table's index by
# account. Periods: the two latest years and the two latest quarters, newest first (a year before
# its quarters); measurements and interactions: the newest first, as many as the rules read.
_GATHER = text(
    f"""
    SELECT a.id AS account_id,
        (SELECT count(*) FROM account_team_members t WHERE t.account_id = a.id) AS team_size,
        (SELECT max(i.occurred_at) FROM interactions i WHERE i.account_id = a.id) AS last_interaction_at,
        (SELECT max(r.held_at) FROM reviews r WHERE r.account_id = a.id) AS last_review_at,
        (SELECT min(p.kind) FROM plans p WHERE p.account_id = a.id AND p.status = 'active') AS active_plan_kind,
        (SELECT bool_or(c.status = 'active' AND c.attitude IN ('{"', '".join(SUPPORTIVE)}'))
            FROM contacts c WHERE c.account_id = a.id) AS supportive,
        (SELECT bool_or(c.status = 'active' AND c.attitude = 'opponent' AND c.influence = 'high')
            FROM contacts c WHERE c.account_id = a.id) AS opponent,
        (SELECT max(c.left_at) FROM contacts c
            WHERE c.account_id = a.id AND c.status = 'left'
            AND (c.buying_roles && {_roles(KEY_BUYING_ROLES)} OR c.attitude = 'champion')) AS key_contact_left_at,
        (SELECT max(i.occurred_at) FROM contacts c
            JOIN interactions i ON i.account_id = c.account_id AND i.contact_ids @> ARRAY[c.id]
            WHERE c.account_id = a.id AND c.status = 'active'
            AND c.buying_roles @> {_roles(["decision_maker"])}) AS decision_maker_engaged_at,
        ARRAY(
            SELECT ROW(f.year, f.quarter, f.revenue, f.cost_to_serve, f.service_revenue, f.updated_at)
            FROM (
                (SELECT * FROM financials y WHERE y.account_id = a.id AND y.quarter IS NULL
                    ORDER BY y.year DESC LIMIT 2)
                UNION ALL
                (SELECT * FROM financials q WHERE q.account_id = a.id AND q.quarter IS NOT NULL
                    ORDER BY q.year DESC, q.quarter DESC LIMIT 2)
            ) f
            ORDER BY f.year DESC, f.quarter DESC NULLS FIRST
        ) AS periods,
        ARRAY(
            SELECT m.value FROM measurements m WHERE m.account_id = a.id AND m.kind = 'engagement'
            ORDER BY m.measured_at DESC, m.created_at DESC LIMIT {MEASUREMENTS_NEEDED}
        ) AS engagement_values,
        ARRAY(
            SELECT m.value FROM measurements m WHERE m.account_id = a.id AND m.kind = 'improvement'
            ORDER BY m.measured_at DESC, m.created_at DESC LIMIT 1
        ) AS improvements,
        (SELECT min(u.due_at) FROM follow_ups u WHERE u.account_id = a.id AND u.status = 'open')
            AS open_follow_up_due_at,
        ARRAY(
            SELECT i.occurred_at FROM interactions i WHERE i.account_id = a.id
            ORDER BY i.occurred_at DESC LIMIT {MOST_INTERACTIONS_PER_QUARTER}
        ) AS recent_interactions
    FROM accounts a
    WHERE a.id = ANY(:ids)
    """
).bindparams(bindparam("ids", type_=ARRAY(UUID(as_uuid=True))))
