"""The reports, computed over every account the caller may see, in a fixed number of queries per batch."""

import math
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, get_args

from sqlalchemy.ext.asyncio import AsyncSession

from app.account_facts.judgement import Judgement
from app.accounts.service import AccountService, AccountView
from app.auth.policy import KAM
from app.glossary import OPEN_STAGES, TierOrNone
from app.plumbing.errors import InvalidFields
from app.programme.service import ProgrammeService
from app.reports.operating import operating_report
from app.reports.repository import ReportRepository
from app.reports.team import period_bounds, team_scorecard
from app.rules.opportunities import effective_probability
from app.whitespace.service import WhitespaceService

_SHARE = Decimal("0.0001")
_CENTS = Decimal("0.01")
# The window of the pipeline's won and lost deals, and of an operating report, unless given.
DEFAULT_WINDOW_DAYS = 90


def share(part: Decimal | int, whole: Decimal | int) -> float:
    return float((Decimal(part) / Decimal(whole)).quantize(_SHARE)) if whole else 0.0


class ReportService:
    def __init__(self, session: AsyncSession, accounts: AccountService) -> None:
        self.accounts = accounts
        self.repository = ReportRepository(session, accounts.visibility)
        self.whitespace = WhitespaceService(session, accounts)
        self.programme = ProgrammeService(session, accounts)

    async def pyramid(self) -> dict[str, Any]:
        counts: dict[str, int] = {}
        revenue: dict[str, Decimal] = {}
        # Service revenue, and the revenue of the accounts that state it: the share is of those.
        service: dict[str, tuple[Decimal, Decimal]] = {}
        for tier, count, amount, service_amount, stated in await self.repository.revenue_by_tier():
            counts[tier or "none"], revenue[tier or "none"] = count, Decimal(amount)
            service[tier or "none"] = (Decimal(service_amount), Decimal(stated))
        total_accounts = sum(counts.values())
        total_revenue = sum(revenue.values(), Decimal(0))
        levels = [
            {
                "tier": tier,
                "accounts": counts.get(tier, 0),
                "account_share": share(counts.get(tier, 0), total_accounts),
                "revenue": revenue.get(tier, Decimal(0)),
                "revenue_share": share(revenue.get(tier, Decimal(0)), total_revenue),
                "service_revenue": service.get(tier, (Decimal(0), Decimal(0)))[0],
                "service_share": share(*service.get(tier, (Decimal(0), Decimal(0)))),
            }
            for tier in get_args(TierOrNone)
        ]
        total_service = sum((amount for amount, _ in service.values()), Decimal(0))
        total_stated = sum((stated for _, stated in service.values()), Decimal(0))
        return {
            "levels": levels,
            "total_accounts": total_accounts,
            "total_revenue": total_revenue,
            "key_revenue_share": share(revenue.get("key", Decimal(0)), total_revenue),
            "total_service_revenue": total_service,
            "service_share": share(total_service, total_stated),
        }

    async def concentration(self, top_n: int) -> dict[str, Any]:
        with_revenue, without, total = await self.repository.revenue_totals()
        top_fifth = math.ceil(with_revenue * 0.2)
        cumulative = Decimal(0)
        top_accounts = []
        for account_id, name, tier, amount in await self.repository.top_by_revenue(top_n):
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
            "top_20_percent_share": share(await self.repository.top_revenue_sum(top_fifth), total),
            "top_n": top_n,
            "top_n_share": share(sum((a["revenue"] for a in top_accounts), Decimal(0)), total),
            "top_accounts": top_accounts,
        }

    async def _views(self, account_ids: list[uuid.UUID]) -> list[AccountView]:
        return await self.accounts.views(await self.accounts.repository.get_many(account_ids))

    async def reviews_due(self, days: int, limit: int) -> dict[str, Any]:
        today = self.accounts.now.date()
        judgement = Judgement(self.accounts.rules, self.accounts.now)
        ids, overdue, due_soon = await self.repository.reviews_due(judgement, today, days, limit)
        views = await self._views(ids)
        return {
            "days": days,
            "overdue": overdue,
            "due_soon": due_soon,
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

    async def at_risk(self, limit: int) -> dict[str, Any]:
        ids, red, amber = await self.repository.at_risk(Judgement(self.accounts.rules, self.accounts.now), limit)
        views = await self._views(ids)
        return {
            "red": red,
            "amber": amber,
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

    async def pipeline(self, closed_from: date | None, closed_to: date | None) -> dict[str, Any]:
        """Open opportunities by stage; won and lost from ``closed_from`` (default 90 days before
        ``closed_to``) to ``closed_to`` (default today), inclusive."""
        closed_to = closed_to or self.accounts.now.date()
        closed_from = closed_from or closed_to - timedelta(days=DEFAULT_WINDOW_DAYS)
        if closed_from > closed_to:
            raise InvalidFields.one(["query", "closed_from"], "closed_from is after closed_to")
        open_rows = await self.repository.open_pipeline()
        stages: dict[str, dict[str, Any]] = {}
        for stage, probability, count, amount in open_rows:
            line = stages.setdefault(
                stage, {"stage": stage, "count": 0, "amount": Decimal(0), "weighted_amount": Decimal(0)}
            )
            line["count"] += count
            line["amount"] += amount
            line["weighted_amount"] += amount * effective_probability(stage, probability, self.accounts.rules) / 100
        lines = [stages[stage] for stage in OPEN_STAGES if stage in stages]
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
        closed = await self.repository.closed_between(start, end)
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

    async def team(self, period_from: date | None, period_to: date | None) -> dict[str, Any]:
        """The team scorecard of the period ``period_from`` (default 90 days before ``period_to``) to
        ``period_to`` (default today): every owner for managers, admins and viewers, a kam its own."""
        first, last = period_bounds(period_from, period_to, self.accounts.now.date(), DEFAULT_WINDOW_DAYS)
        if first > last:
            raise InvalidFields.one(["query", "from"], "from is after to")
        principal = self.accounts.principal
        own = principal.user_id if principal.role == KAM else None
        return await team_scorecard(self.repository, self.accounts.rules, self.accounts.now, first, last, own)

    async def monthly(self, month: date | None, limit: int) -> dict[str, Any]:
        """The pack of the monthly key account analysis: the portfolio as it stands (pyramid,
        concentration, accounts at risk, reviews due, promotion candidates and pending demotions,
        ``limit`` accounts each at most) and the month's team scorecard and pipeline (the month of
        ``month``'s first day; up to today while it runs). By default the last complete month: the
        analysis meets after a month ends, and a pack opened on the 6th would score six days."""
        today = self.accounts.now.date()
        first = (month or today.replace(day=1) - timedelta(days=1)).replace(day=1)
        if first > today:
            raise InvalidFields.one(["query", "month"], "the month has not begun")
        last = min((first + timedelta(days=32)).replace(day=1) - timedelta(days=1), today)
        judgement = Judgement(self.accounts.rules, self.accounts.now)
        promoted, promotions = await self.repository.promotion_candidates(judgement, limit)
        pending, demotions = await self.repository.pending_demotions(judgement, limit)
        views = {view.account.id: view for view in await self._views([*promoted, *pending])}
        return {
            "month": first.strftime("%Y-%m"),
            "period_from": first,
            "period_to": last,
            "pyramid": await self.pyramid(),
            "concentration": await self.concentration(10),
            "at_risk": await self.at_risk(limit),
            "reviews_due": await self.reviews_due(self.accounts.rules.agenda.review_horizon_days, limit),
            "promotion_candidates": {"count": promotions, "items": [_brief(views[i]) for i in promoted]},
            "pending_demotions": {"count": demotions, "items": [_brief(views[i]) for i in pending]},
            "team": await self.team(first, last),
            "pipeline": await self.pipeline(first, last),
            "whitespace": (await self.whitespace.portfolio(None, None, None, 5)).model_dump(),
            "targets": (await self.programme.targets(first.year)).model_dump(),
        }

    async def account_report(
        self, account_id: uuid.UUID, period_from: date | None, period_to: date | None
    ) -> dict[str, Any]:
        """The operating report of the period ``period_from`` (default 90 days before ``period_to``) to
        ``period_to`` (default today)."""
        start, end = period_bounds(period_from, period_to, self.accounts.now.date(), DEFAULT_WINDOW_DAYS)
        if start > end:
            raise InvalidFields.one(["query", "from"], "from is after to")
        report = await operating_report(self.repository, self.accounts, account_id, start, end)
        report["growth"]["whitespace"] = (await self.whitespace.brief(account_id)).model_dump()
        return report


def _brief(view: AccountView) -> dict[str, Any]:
    """An account in a list of the monthly pack: its tiers, score and why it is listed."""
    account = view.account
    return {
        "account_id": account.id,
        "name": account.name,
        "owner_id": account.owner_id,
        "tier": account.tier,
        "computed_tier": account.computed_tier,
        "score": view.score.score,
        "reasons": list(view.promotion.reasons) if view.promotion.candidate else [],
    }
