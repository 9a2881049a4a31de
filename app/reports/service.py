"""The reports, computed over every account the caller may see, in a fixed number of queries per batch."""

import math
from collections import Counter, defaultdict
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.ext.asyncio import AsyncSession

from app.accounts.repository import AccountFilters
from app.accounts.service import AccountService, AccountView
from app.kit.pagination import PageRequest
from app.models import Account, Financial, Opportunity
from app.rules.opportunities import CLOSED_STAGES, effective_probability

BATCH = 1000
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

    async def latest_revenues(self) -> list[tuple]:
        """(id, name, tier, latest annual revenue or None) for every live account the caller sees."""
        latest = (
            select(Financial.account_id, Financial.revenue)
            .where(Financial.quarter.is_(None), Financial.account_id.in_(self._live_visible()))
            .order_by(Financial.account_id, Financial.year.desc())
            .ext(distinct_on(Financial.account_id))
            .subquery()
        )
        statement = (
            select(Account.id, Account.name, Account.tier, latest.c.revenue)
            .outerjoin(latest, latest.c.account_id == Account.id)
            .where(Account.id.in_(self._live_visible()))
        )
        return list((await self.session.execute(statement)).all())

    async def pyramid(self) -> dict:
        rows = await self.latest_revenues()
        counts: Counter[str] = Counter()
        revenue: dict[str, Decimal] = defaultdict(Decimal)
        for _id, _name, tier, amount in rows:
            counts[tier or "none"] += 1
            revenue[tier or "none"] += amount or Decimal(0)
        total_accounts = len(rows)
        total_revenue = sum(revenue.values(), Decimal(0))
        levels = [
            {
                "tier": tier,
                "accounts": counts[tier],
                "account_share": share(counts[tier], total_accounts),
                "revenue": revenue[tier],
                "revenue_share": share(revenue[tier], total_revenue),
            }
            for tier in TIERS_AND_NONE
        ]
        return {
            "levels": levels,
            "total_accounts": total_accounts,
            "total_revenue": total_revenue,
            "key_revenue_share": share(revenue["key"], total_revenue),
        }

    async def concentration(self, top_n: int) -> dict:
        rows = await self.latest_revenues()
        ranked = sorted((row for row in rows if row[3] is not None), key=lambda row: (-row[3], row[1], row[0]))
        total = sum((row[3] for row in ranked), Decimal(0))
        top_fifth = math.ceil(len(ranked) * 0.2)
        cumulative = Decimal(0)
        top_accounts = []
        for account_id, name, tier, amount in ranked[:top_n]:
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
            "accounts_with_revenue": len(ranked),
            "accounts_without_revenue": len(rows) - len(ranked),
            "total_revenue": total,
            "top_20_percent_accounts": top_fifth,
            "top_20_percent_share": share(sum((row[3] for row in ranked[:top_fifth]), Decimal(0)), total),
            "top_n": top_n,
            "top_n_share": share(sum((row[3] for row in ranked[:top_n]), Decimal(0)), total),
            "top_accounts": top_accounts,
        }

    async def all_views(self) -> AsyncIterator[AccountView]:
        """Every live account the caller sees, with its computed view, a batch at a time."""
        cursor = None
        while True:
            page = PageRequest("created_at", BATCH, cursor)
            views, cursor = await self.accounts.list_page(AccountFilters(), page)
            for view in views:
                yield view
            if cursor is None:
                return

    async def reviews_due(self, days: int, limit: int) -> dict:
        today = self.accounts.now.date()
        horizon = today + timedelta(days=days)
        due = [view async for view in self.all_views() if view.next_review_due <= horizon]
        due.sort(key=lambda view: (not view.review_overdue, view.next_review_due, view.account.name))
        return {
            "days": days,
            "overdue": sum(view.review_overdue for view in due),
            "due_soon": sum(not view.review_overdue for view in due),
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
                for view in due[:limit]
            ],
        }

    async def at_risk(self, limit: int) -> dict:
        risky = [view async for view in self.all_views() if view.health.status != "green"]
        risky.sort(key=lambda view: (view.health.status != "red", -len(view.health.signals), view.account.name))
        return {
            "red": sum(view.health.status == "red" for view in risky),
            "amber": sum(view.health.status == "amber" for view in risky),
            "items": [
                {
                    "account_id": view.account.id,
                    "name": view.account.name,
                    "tier": view.account.tier,
                    "owner_id": view.account.owner_id,
                    "health": view.health.status,
                    "signals": [vars(signal) for signal in view.health.signals],
                }
                for view in risky[:limit]
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
