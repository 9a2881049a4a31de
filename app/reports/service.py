"""The reports, computed over every account the caller may see, in a fixed number of queries per batch."""

import math
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, not_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.util import ClauseAdapter

from app.accounts.service import AccountService, AccountView
from app.facts.judgement import Judgement
from app.models import Account, AccountFactsRow, Opportunity
from app.rules.opportunities import CLOSED_STAGES, effective_probability

_SHARE = Decimal("0.0001")
_CENTS = Decimal("0.01")
TIERS_AND_NONE = ("key", "mid", "small", "none")


def share(part: Decimal | int, whole: Decimal | int) -> float:
    return float((Decimal(part) / Decimal(whole)).quantize(_SHARE)) if whole else 0.0


class ReportService:
    def __init__(self, session: AsyncSession, accounts: AccountService) -> None:
        self.session = session
        self.accounts = accounts

    def _live_visible(self):
        statement = select(Account.id).where(Account.archived_at.is_(None))
        visibility = self.accounts.visibility
        return statement if visibility is None else statement.where(visibility)

    def _revenue_rows(self) -> Select:
        """Live accounts the caller sees, with their stored latest annual revenue."""
        return (
            select(Account.id, Account.name, Account.tier, AccountFactsRow.latest_annual_revenue.label("revenue"))
            .join(AccountFactsRow, AccountFactsRow.account_id == Account.id)
            .where(Account.id.in_(self._live_visible()))
        )

    async def pyramid(self) -> dict:
        rows = self._revenue_rows().subquery()
        statement = select(rows.c.tier, func.count(), func.coalesce(func.sum(rows.c.revenue), 0)).group_by(rows.c.tier)
        counts: dict[str, int] = {}
        revenue: dict[str, Decimal] = {}
        for tier, count, amount in await self.session.execute(statement):
            counts[tier or "none"], revenue[tier or "none"] = count, Decimal(amount)
        total_accounts = sum(counts.values())
        total_revenue = sum(revenue.values(), Decimal(0))
        levels = [
            {
                "tier": tier,
                "accounts": counts.get(tier, 0),
                "account_share": share(counts.get(tier, 0), total_accounts),
                "revenue": revenue.get(tier, Decimal(0)),
                "revenue_share": share(revenue.get(tier, Decimal(0)), total_revenue),
            }
            for tier in TIERS_AND_NONE
        ]
        return {
            "levels": levels,
            "total_accounts": total_accounts,
            "total_revenue": total_revenue,
            "key_revenue_share": share(revenue.get("key", Decimal(0)), total_revenue),
        }

    async def concentration(self, top_n: int) -> dict:
        rows = self._revenue_rows().subquery()
        with_revenue, without, total = (
            await self.session.execute(
                select(
                    func.count(rows.c.revenue),
                    func.count().filter(rows.c.revenue.is_(None)),
                    func.coalesce(func.sum(rows.c.revenue), 0),
                )
            )
        ).one()
        total = Decimal(total)
        ranked = select(rows).where(rows.c.revenue.is_not(None)).order_by(rows.c.revenue.desc(), rows.c.name, rows.c.id)
        top_fifth = math.ceil(with_revenue * 0.2)

        async def top_sum(count: int) -> Decimal:
            best = ranked.limit(count).subquery()
            return Decimal(await self.session.scalar(select(func.coalesce(func.sum(best.c.revenue), 0))))

        cumulative = Decimal(0)
        top_accounts = []
        for account_id, name, tier, amount in await self.session.execute(ranked.limit(top_n)):
            cumulative += amount
            top_accounts.append(
                {
                    "account_id": account_id,
                    "name": name,
                    "tier": tier,
                    "revenue": amount,
                    "revenue_share": share(amount, total),
                    "cumulative_share": share(cumulative, total),
                }
            )
        return {
            "accounts_with_revenue": with_revenue,
            "accounts_without_revenue": without,
            "total_revenue": total,
            "top_20_percent_accounts": top_fifth,
            "top_20_percent_share": share(await top_sum(top_fifth), total),
            "top_n": top_n,
            "top_n_share": share(sum((a["revenue"] for a in top_accounts), Decimal(0)), total),
            "top_accounts": top_accounts,
        }

    def _judged(self, judgement: Judgement) -> Any:
        """Live visible accounts with their health computed once (a materialized CTE), and the columns
        cadence needs, for the reports that rank the whole portfolio."""
        return (
            select(
                Account.id,
                Account.name,
                Account.tier,
                Account.created_at,
                Account.tier_assigned_at,
                AccountFactsRow.team_size,
                AccountFactsRow.latest_annual_revenue,
                AccountFactsRow.last_review_at,
                judgement.health.label("health"),
                judgement.signal_count.label("signal_count"),
            )
            .join(AccountFactsRow, AccountFactsRow.account_id == Account.id)
            .where(Account.id.in_(self._live_visible()))
            .cte("judged")
            .prefix_with("MATERIALIZED")
        )

    async def _ranked(self, statement: Select) -> tuple[list[AccountView], list[tuple]]:
        rows = (await self.session.execute(statement)).all()
        accounts = await self.accounts.repository.get_many([row[0] for row in rows])
        return await self.accounts.views(accounts), rows

    async def reviews_due(self, days: int, limit: int) -> dict:
        today = self.accounts.now.date()
        judgement = Judgement(self.accounts.rules, self.accounts.now)
        judged = self._judged(judgement)
        adapt = ClauseAdapter(judged).traverse
        due = adapt(judgement.next_review_due(judged.c.health)).label("due")
        dated = select(judged.c.id, judged.c.name, due).subquery()
        overdue = dated.c.due < today
        statement = (
            select(
                dated.c.id,
                func.count().filter(overdue).over(),
                func.count().filter(not_(overdue)).over(),
            )
            .where(dated.c.due <= today + timedelta(days=days))
            .order_by(not_(overdue), dated.c.due, dated.c.name, dated.c.id)
            .limit(limit)
        )
        views, rows = await self._ranked(statement)
        return {
            "days": days,
            "overdue": rows[0][1] if rows else 0,
            "due_soon": rows[0][2] if rows else 0,
            "items": [
                {
                    "account_id": view.account.id,
                    "name": view.account.name,
                    "tier": view.account.tier,
                    "owner_id": view.account.owner_id,
                    "cadence": view.cadence.name,
                    "last_review_at": view.facts.last_review_at.isoformat() if view.facts.last_review_at else None,
                    "next_review_due": view.next_review_due,
                    "overdue": view.review_overdue,
                    "days_until_due": (view.next_review_due - today).days,
                }
                for view in views
            ],
        }

    async def at_risk(self, limit: int) -> dict:
        judged = self._judged(Judgement(self.accounts.rules, self.accounts.now))
        red = judged.c.health == "red"
        statement = (
            select(
                judged.c.id,
                func.count().filter(red).over(),
                func.count().filter(judged.c.health == "amber").over(),
            )
            .where(judged.c.health != "green")
            .order_by(not_(red), judged.c.signal_count.desc(), judged.c.name, judged.c.id)
            .limit(limit)
        )
        views, rows = await self._ranked(statement)
        return {
            "red": rows[0][1] if rows else 0,
            "amber": rows[0][2] if rows else 0,
            "items": [
                {
                    "account_id": view.account.id,
                    "name": view.account.name,
                    "tier": view.account.tier,
                    "owner_id": view.account.owner_id,
                    "health": view.health.status,
                    "signals": [vars(signal) for signal in view.health.signals],
                }
                for view in views
            ],
        }

    async def pipeline(self, closed_from: date, closed_to: date) -> dict:
        visible = Opportunity.account_id.in_(self._live_visible())
        open_rows = await self.session.execute(
            select(Opportunity.stage, Opportunity.probability, func.count(), func.sum(Opportunity.amount))
            .where(visible, Opportunity.stage.not_in(CLOSED_STAGES))
            .group_by(Opportunity.stage, Opportunity.probability)
        )
        stages: dict[str, dict] = {}
        for stage, probability, count, amount in open_rows:
            line = stages.setdefault(
                stage, {"stage": stage, "count": 0, "amount": Decimal(0), "weighted_amount": Decimal(0)}
            )
            line["count"] += count
            line["amount"] += amount
            line["weighted_amount"] += amount * effective_probability(stage, probability, self.accounts.rules) / 100
        order = ("prospecting", "qualification", "needs_analysis", "proposal", "negotiation")
        lines = [stages[stage] for stage in order if stage in stages]
        for line in lines:
            line["weighted_amount"] = line["weighted_amount"].quantize(_CENTS)
        total = {
            "stage": "open",
            "count": sum(line["count"] for line in lines),
            "amount": sum((line["amount"] for line in lines), Decimal(0)),
            "weighted_amount": sum((line["weighted_amount"] for line in lines), Decimal(0)),
        }
        start = datetime.combine(closed_from, datetime.min.time(), tzinfo=self.accounts.now.tzinfo)
        end = datetime.combine(closed_to + timedelta(days=1), datetime.min.time(), tzinfo=self.accounts.now.tzinfo)
        closed = await self.session.execute(
            select(Opportunity.stage, Opportunity.loss_reason, func.count(), func.sum(Opportunity.amount))
            .where(
                visible,
                Opportunity.stage.in_(CLOSED_STAGES),
                Opportunity.closed_at >= start,
                Opportunity.closed_at < end,
            )
            .group_by(Opportunity.stage, Opportunity.loss_reason)
        )
        won = {"count": 0, "amount": Decimal(0)}
        lost = {"count": 0, "amount": Decimal(0)}
        reasons = []
        for stage, reason, count, amount in closed:
            bucket = won if stage == "closed_won" else lost
            bucket["count"] += count
            bucket["amount"] += amount
            if stage == "closed_lost":
                reasons.append({"reason": reason, "count": count, "amount": amount})
        reasons.sort(key=lambda item: (-item["count"], item["reason"]))
        return {
            "open_by_stage": lines,
            "open_total": total,
            "closed_from": closed_from,
            "closed_to": closed_to,
            "won": won,
            "lost": lost,
            "loss_reasons": reasons,
        }
