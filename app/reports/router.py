"""``/v1/reports/...``: the portfolio as a KAM programme is steered by it, scoped to what the caller sees."""

import uuid
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import PlainTextResponse
from pydantic import StringConstraints

from app.account_records.dependencies import lagging_scoped_service
from app.plumbing.dates import Day
from app.plumbing.errors import problems
from app.plumbing.readable import Readable, readable_for
from app.reports.monthly import to_markdown as monthly_markdown
from app.reports.operating import to_markdown
from app.reports.schemas import (
    AtRiskReport,
    ConcentrationReport,
    MonthlyPack,
    OperatingReport,
    PipelineReport,
    PyramidReport,
    ReviewsDueReport,
    TeamReport,
)
from app.reports.service import ReportService
from app.reports.team import to_markdown as team_markdown

router = APIRouter(prefix="/v1/reports", tags=["reports"], responses=problems(401, 422))

Month = Annotated[str, StringConstraints(pattern=r"^(19|20|21)[0-9]{2}-(0[1-9]|1[0-2])$")]


def _first_day(month: str | None) -> date | None:
    return None if month is None else date(int(month[:4]), int(month[5:]), 1)


# Reports a person reads also come as Markdown, ready to paste into a meeting's notes.
AS_MARKDOWN: dict[int | str, dict[str, Any]] = {200: {"content": {"text/markdown": {"schema": {"type": "string"}}}}}


def _as_accepted(request: Request, report: dict[str, Any], markdown: Callable[[dict[str, Any], Readable], str]) -> Any:
    """The report as JSON, or as Markdown when the client accepts it."""
    if "text/markdown" in request.headers.get("accept", ""):
        return PlainTextResponse(markdown(report, readable_for(request)), media_type="text/markdown; charset=utf-8")
    return report


# The period of a report: a day to a day, both included.
PeriodFrom = Annotated[Day | None, Query(alias="from", description="Default 90 days before `to`.")]
PeriodTo = Annotated[Day | None, Query(alias="to", description="Default today.")]
Limit = Annotated[int, Query(ge=1, le=1000, description="How many accounts to list at most.")]


# Reports tolerate lag: on the replica when there is one.
Service = Annotated[ReportService, lagging_scoped_service(ReportService)]


@router.get("/pyramid", name="reports_pyramid_get")
async def pyramid(service: Service) -> PyramidReport:
    """Per tier: how many accounts and how much of their latest annual revenue, and both as shares."""
    return PyramidReport.model_validate(await service.pyramid())


@router.get("/concentration", name="reports_concentration_get")
async def concentration(
    service: Service, top: Annotated[int, Query(ge=1, le=1000, description="N of the top-N share.")] = 10
) -> ConcentrationReport:
    """How much revenue the top 20 % of accounts (and the top N) bring, with the top N accounts."""
    return ConcentrationReport.model_validate(await service.concentration(top))


@router.get("/reviews-due", name="reports_reviews_due_get")
async def reviews_due(
    service: Service,
    days: Annotated[int, Query(ge=0, le=366, description="Also list reviews due within this many days.")] = 14,
    limit: Limit = 200,
) -> ReviewsDueReport:
    """Accounts whose next review is overdue or due soon: overdue first, then by due date."""
    return ReviewsDueReport.model_validate(await service.reviews_due(days, limit))


@router.get("/at-risk", name="reports_at_risk_get")
async def at_risk(service: Service, limit: Limit = 200) -> AtRiskReport:
    """Amber and red accounts with their signals: red first, then the most signals."""
    return AtRiskReport.model_validate(await service.at_risk(limit))


@router.get("/pipeline", name="reports_pipeline_get", responses=problems(422))
async def pipeline(
    service: Service,
    closed_from: Annotated[Day | None, Query(description="Start of the won/lost window; default 90 days ago.")] = None,
    closed_to: Annotated[Day | None, Query(description="End of the window (inclusive); default today.")] = None,
) -> PipelineReport:
    """Open opportunities by stage (count, amount, weighted amount); won and lost in the window, with
    the loss reasons."""
    return PipelineReport.model_validate(await service.pipeline(closed_from, closed_to))


@router.get(
    "/team",
    name="reports_team_get",
    response_model=TeamReport,
    responses=AS_MARKDOWN,
)
async def team(
    request: Request,
    service: Service,
    period_from: PeriodFrom = None,
    period_to: PeriodTo = None,
) -> Any:
    """The team scorecard: per owner, accounts by tier, revenue and key share, reviews held on time,
    follow-ups kept, visit frequency, decision makers engaged, plans active, accounts at risk, the
    pipeline, and the stars of the rules' `kam_scorecard`; the team's totals last. Managers, admins
    and viewers see every owner, a kam its own row. JSON, or Markdown with `Accept: text/markdown`."""
    report = await service.team(period_from, period_to)
    return _as_accepted(request, report, team_markdown)


@router.get(
    "/monthly",
    name="reports_monthly_get",
    response_model=MonthlyPack,
    responses=AS_MARKDOWN,
)
async def monthly(
    request: Request,
    service: Service,
    month: Annotated[
        Month | None,
        Query(description="`YYYY-MM`; default the last complete month (this month runs up to today)."),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200, description="Accounts listed per section at most.")] = 20,
) -> Any:
    """The monthly key account analysis pack: pyramid, concentration, accounts at risk, reviews due,
    promotion candidates and pending demotions, the month's team scorecard and pipeline. Markdown with
    `Accept: text/markdown` (the document for the meeting), JSON otherwise."""
    pack = await service.monthly(_first_day(month), limit)
    return _as_accepted(request, pack, monthly_markdown)


account_router = APIRouter(tags=["reports"], responses=problems(401, 404, 422))


@account_router.get(
    "/v1/accounts/{account_id}/report",
    name="account_report_get",
    response_model=OperatingReport,
    responses=AS_MARKDOWN,
)
async def account_report(
    account_id: uuid.UUID,
    request: Request,
    service: Service,
    period_from: PeriodFrom = None,
    period_to: PeriodTo = None,
) -> Any:
    """The account's operating report: overall situation, maintenance, churn or shrinkage, growth
    targets, competitors, team, next steps. JSON, or Markdown with `Accept: text/markdown`."""
    report = await service.account_report(account_id, period_from, period_to)
    return _as_accepted(request, report, to_markdown)
