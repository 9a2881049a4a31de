"""The operating report of one account: seven sections to take into a review meeting, as JSON or Markdown."""

import uuid
from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from app.accounts.service import AccountService
from app.models import User
from app.plumbing.readable import Column, Readable, cell, table
from app.plumbing.schemas import optional_money_text
from app.reports import mermaid
from app.reports.repository import ReportRepository
from app.rules.financials import service_share
from app.rules.opportunities import CLOSED_STAGES, effective_probability, weighted_amount
from app.rules.plans import value_progress


def _person(user: User | None) -> dict[str, Any] | None:
    return {"id": user.id, "name": user.name, "email": user.email} if user else None


async def operating_report(
    repository: ReportRepository, accounts: AccountService, account_id: uuid.UUID, start: date, end: date
) -> dict[str, Any]:
    account = await accounts.get(account_id)
    view = await accounts.view(account)
    tz = accounts.now.tzinfo
    since, until = datetime.combine(start, time.min, tz), datetime.combine(end + timedelta(days=1), time.min, tz)

    records = await repository.account_records(account_id, since, until, accounts.now)
    years, interactions, reviews = records.years, records.interactions, records.reviews
    opportunities, left, plan, objectives = records.opportunities, records.left, records.plan, records.objectives
    actions, members, follow_ups = records.actions, records.members, records.follow_ups
    contacts = records.contacts
    project = _project(plan, objectives) if plan else None
    summary = project and {key: project[key] for key in ("id", "name", "kind", "period_start", "period_end")}

    rules = accounts.rules
    open_deals = [o for o in opportunities if o.stage not in CLOSED_STAGES]
    lost = [o for o in opportunities if o.stage == "closed_lost" and o.closed_at and since <= o.closed_at < until]
    weighted = sum(
        (weighted_amount(o.amount, effective_probability(o.stage, o.probability, rules)) for o in open_deals),
        Decimal(0),
    )
    decline = next((s for s in view.health.signals if s.code == "revenue_decline"), None)
    competitor_names = sorted({name for o in opportunities for name in o.competitors})

    return {
        "account": {"id": account.id, "name": account.name, "industry": account.industry, "region": account.region},
        "period": {"from": start, "to": end},
        "overall": {
            "tier": account.tier,
            "computed_tier": account.computed_tier,
            "score": view.score.score,
            "tier_pending_review": view.tier_pending_review,
            "health": {
                "status": view.health.status,
                "signals": [vars(s) for s in view.health.signals],
                "onboarding_until": view.health.onboarding_until,
            },
            "revenue_trend": [
                {
                    "period": f.period,
                    "revenue": optional_money_text(f.revenue),
                    "service_revenue": optional_money_text(f.service_revenue),
                    "service_share": service_share(f.revenue, f.service_revenue),
                }
                for f in reversed(years)
            ],
            "latest_annual_revenue": optional_money_text(view.facts.latest_annual_revenue),
            "promotion_candidate": view.promotion.candidate,
            "decision_chain": [
                {
                    "id": c.id,
                    "name": f"{c.first_name} {c.last_name}",
                    "title": c.title,
                    "buying_roles": c.buying_roles,
                    "attitude": c.attitude,
                    "influence": c.influence,
                    "reports_to_id": c.reports_to_id,
                }
                for c in contacts
            ],
        },
        "maintenance": {
            "interactions": len(interactions),
            "interactions_by_type": dict(Counter(i.type for i in interactions)),
            "latest_interactions": [
                {"occurred_at": i.occurred_at, "type": i.type, "purpose": i.purpose, "summary": i.summary}
                for i in interactions[:5]
            ],
            "reviews": [{"held_at": r.held_at, "summary": r.summary, "decisions": r.decisions} for r in reviews],
            "cadence": view.cadence.name,
            "next_review_due": view.next_review_due,
            "review_overdue": view.review_overdue,
        },
        "churn": {
            "revenue_decline": vars(decline) if decline else None,
            "lost_opportunities": [
                {
                    "name": o.name,
                    "amount": optional_money_text(o.amount),
                    "loss_reason": o.loss_reason,
                    "closed_at": o.closed_at,
                }
                for o in lost
            ],
            "contacts_left": [
                {"name": f"{c.first_name} {c.last_name}", "title": c.title, "left_at": c.left_at} for c in left
            ],
            "recovery_project": project if plan and plan.kind == "recovery" else None,
        },
        "growth": {
            "plan": summary,
            "growth_project": project if plan and plan.kind == "growth" else None,
            "objectives": [
                {
                    "title": o.title,
                    "horizon": o.horizon,
                    "metric": o.metric,
                    "target": o.target,
                    "current": o.current,
                    "due_date": o.due_date,
                    "status": o.status,
                    "progress": value_progress(o.baseline, o.current, o.target),
                }
                for o in objectives
            ],
            "open_pipeline": {
                "count": len(open_deals),
                "amount": optional_money_text(sum((o.amount for o in open_deals), Decimal(0))),
                "weighted_amount": optional_money_text(weighted),
            },
        },
        "competitors": {
            "in_plan": plan.competitors if plan else [],
            "in_opportunities": competitor_names,
        },
        "team": {
            "owner": _person(account.owner),
            "executive_sponsor": _person(account.executive_sponsor),
            "members": [{"name": m.user.name, "team_role": m.team_role} for m in members],
        },
        "next_steps": {
            "open_actions": [
                {"title": a.title, "due_date": a.due_date, "status": a.status, "owner_id": a.owner_id}
                for a in sorted(
                    (a for a in actions if a.status in ("open", "in_progress")),
                    key=lambda a: (a.due_date is None, a.due_date or date.max, a.title),
                )
            ],
            "next_review_due": view.next_review_due,
            "follow_ups": [{"next_contact_at": i.next_contact_at, "next_steps": i.next_steps} for i in follow_ups],
        },
    }


def _project(plan: Any, objectives: Sequence[Any]) -> dict[str, Any]:
    """The active plan as a project: its objectives achieved, and their mean progress."""
    progress = [p for o in objectives if (p := value_progress(o.baseline, o.current, o.target)) is not None]
    mean = (sum(progress, Decimal(0)) / len(progress)).quantize(Decimal("0.0001")) if progress else None
    return {
        "id": plan.id,
        "name": plan.name,
        "kind": plan.kind,
        "period_start": plan.period_start,
        "period_end": plan.period_end,
        "objectives": len(objectives),
        "objectives_achieved": sum(o.status == "achieved" for o in objectives),
        "progress": mean,
    }


def _project_line(r: Readable, title: str, project: dict[str, Any]) -> str:
    progress = "no figures yet" if project["progress"] is None else f"{r.share(project['progress'])} of the way"
    achieved = f"{r.number(project['objectives_achieved'])} of {r.count(project['objectives'], 'objective')} achieved"
    return f"- {title}: {cell(project['name'])} (to {project['period_end']:%Y-%m-%d}), {achieved}, {progress}"


def _block(lines: list[str]) -> list[str]:
    """A diagram followed by a blank line, or nothing."""
    return [*lines, ""] if lines else []


def _figure(r: Readable, value: Any) -> str:
    """An objective's figure: whole numbers as such, others with two decimals."""
    if value is None:
        return "-"
    exact = Decimal(str(value))
    return r.number(exact, 0 if exact == exact.to_integral_value() else 2)


def _whitespace_lines(r: Readable, whitespace: dict[str, Any]) -> list[str]:
    coverage = "-" if whitespace["coverage"] is None else r.share(whitespace["coverage"])
    return [
        f"- Whitespace: {coverage} of the eligible cells owned; its gaps could bring "
        f"{r.money(whitespace['whitespace_value'])} a year",
        *[
            f"  - {cell(gap['offering']['name'])}: {r.money(gap['estimate'])} ({gap['why']})"
            for gap in whitespace["largest_gaps"]
        ],
    ]


def to_markdown(report: dict[str, Any], readable: Readable) -> str:
    """The report as Markdown, ready to paste into a review meeting's notes."""
    r = readable
    account, overall, upkeep = report["account"], report["overall"], report["maintenance"]
    churn, growth, team, steps = report["churn"], report["growth"], report["team"], report["next_steps"]
    period = report["period"]
    trend = overall["revenue_trend"]
    stated_service = [t for t in trend if t["service_share"] is not None]
    health = overall["health"]
    by_type = sorted(upkeep["interactions_by_type"].items())
    pipeline = growth["open_pipeline"]
    lines = [
        f"# {account['name']}: operating report",
        "",
        f"Period {period['from']} to {period['to']}.",
        "",
        "## 1. Overall situation",
        "",
        f"- Tier: **{r.label('TierOrNone', overall['tier'] or 'none')}** (computed "
        f"{r.label('TierOrNone', overall['computed_tier'] or 'none')}, score {r.number(overall['score'], 1)})"
        + (" - demotion review pending" if overall["tier_pending_review"] else ""),
        f"- Health: **{r.label('HealthStatus', health['status'])}**",
        *[f"  - {r.label('Severity', s['severity'])}: {s['message']}" for s in health["signals"]],
        "- Revenue: " + ("; ".join(f"{t['period']} {r.money(t['revenue'])}" for t in trend) or "none on record"),
        "- Service share of revenue: "
        + ("; ".join(f"{t['period']} {r.share(t['service_share'])}" for t in stated_service) or "not stated"),
        "",
        *_block(mermaid.revenue_trend(trend, readable)),
        "### Decision chain",
        "",
        *(_block(mermaid.decision_chain(overall["decision_chain"])) or ["No active contact on record.", ""]),
        "## 2. Maintenance",
        "",
        f"- {r.count(upkeep['interactions'], 'interaction')}"
        + (
            " (" + ", ".join(f"{r.number(n)} {r.label('InteractionType', k).lower()}" for k, n in by_type) + ")"
            if upkeep["interactions"]
            else ""
        ),
        *[
            f"  - {i['occurred_at']:%Y-%m-%d} {r.label('InteractionType', i['type']).lower()}: {cell(i['summary'])}"
            for i in upkeep["latest_interactions"]
        ],
        f"- {r.count(len(upkeep['reviews']), 'review')}; cadence {r.label('Cadence', upkeep['cadence']).lower()}, "
        f"next review due {upkeep['next_review_due']}" + (" (**overdue**)" if upkeep["review_overdue"] else ""),
        "",
        "## 3. Churn or shrinkage",
        "",
        f"- Revenue: {churn['revenue_decline']['message'] if churn['revenue_decline'] else 'no decline'}",
        *([_project_line(r, "Recovery project", churn["recovery_project"])] if churn["recovery_project"] else []),
        *[
            f"- Lost: {cell(o['name'])} ({r.money(o['amount'])}): {cell(o['loss_reason'])}"
            for o in churn["lost_opportunities"]
        ],
        *[f"- Left: {cell(c['name'])} ({cell(c['title'])}) on {c['left_at']:%Y-%m-%d}" for c in churn["contacts_left"]],
        "",
        "## 4. Growth targets",
        "",
        f"- Plan: {cell(growth['plan']['name']) if growth['plan'] else 'no active plan'}",
        *([_project_line(r, "Growth project", growth["growth_project"])] if growth["growth_project"] else []),
        "",
        *table(
            [
                Column("Objective"),
                Column("Horizon"),
                Column("Target", True),
                Column("Current", True),
                Column("Due"),
                Column("Progress", True),
            ],
            [
                [
                    cell(o["title"]),
                    r.label("Horizon", o["horizon"]),
                    _figure(r, o["target"]),
                    _figure(r, o["current"]),
                    cell(o["due_date"]),
                    r.share(o["progress"]),
                ]
                for o in growth["objectives"]
            ],
        ),
        "",
        f"- Open pipeline: {r.count(pipeline['count'], 'opportunity', 'opportunities')}, "
        f"{r.money(pipeline['amount'])} (weighted {r.money(pipeline['weighted_amount'])})",
        *_whitespace_lines(r, growth["whitespace"]),
        "",
        "## 5. Competitors",
        "",
        *(
            [
                *[f"- {cell(c['name'])}: {cell(c.get('position'))}" for c in report["competitors"]["in_plan"]],
                *(
                    [f"- Met in opportunities: {', '.join(report['competitors']['in_opportunities'])}"]
                    if report["competitors"]["in_opportunities"]
                    else []
                ),
            ]
            or ["- None on record."]
        ),
        "",
        "## 6. Team",
        "",
        f"- Owner: {team['owner']['name'] if team['owner'] else '-'}; executive sponsor: "
        f"{team['executive_sponsor']['name'] if team['executive_sponsor'] else '-'}",
        *[f"- {cell(m['name'])} ({r.label('TeamRole', m['team_role']).lower()})" for m in team["members"]],
        "",
        "## 7. Next steps",
        "",
        *[f"- [ ] {cell(a['title'])} (due {cell(a['due_date'])})" for a in steps["open_actions"]],
        *[f"- Follow up {f['next_contact_at']:%Y-%m-%d}: {cell(f['next_steps'])}" for f in steps["follow_ups"]],
        f"- Next review due {steps['next_review_due']}",
        "",
    ]
    return "\n".join(lines)
