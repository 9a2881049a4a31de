"""``/v1/reports/...``: the portfolio as a KAM programme is steered by it, scoped to what the caller sees."""

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import StringConstraints

from app.account_records.dependencies import lagging_scoped_service
from app.plumbing.dates import Day
from app.plumbing.errors import problems
from app.plumbing.exports import AS_FILES, AS_MARKDOWN, add_file_operations, as_accepted
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


# The period of a report: a day to a day, both included.
PeriodFrom = Annotated[Day | None, Query(alias="from", description="Default 90 days before `to`.")]
PeriodTo = Annotated[Day | None, Query(alias="to", description="Default today.")]
Limit = Annotated[int, Query(ge=1, le=1000, description="How many accounts to list at most.")]


# Reports tolerate lag: on the replica when there is one.
Service = Annotated[ReportService, lagging_scoped_service(ReportService)]


@router.get("/pyramid", name="reports_pyramid_get", response_model=PyramidReport, responses=AS_FILES)
async def pyramid(request: Request, service: Service) -> Any:
    """Per tier: how many accounts and how much of their latest annual revenue, and both as shares."""
    return as_accepted(request, "pyramid", PyramidReport.model_validate(await service.pyramid()))


@router.get("/concentration", name="reports_concentration_get", response_model=ConcentrationReport, responses=AS_FILES)
async def concentration(
    request: Request,
    service: Service,
    top: Annotated[int, Query(ge=1, le=1000, description="N of the top-N share.")] = 10,
) -> Any:
    """How much revenue the top 20 % of accounts (and the top N) bring, with the top N accounts."""
    report = ConcentrationReport.model_validate(await service.concentration(top))
    return as_accepted(request, "concentration", report)


@router.get("/reviews-due", name="reports_reviews_due_get", response_model=ReviewsDueReport, responses=AS_FILES)
async def reviews_due(
    request: Request,
    service: Service,
    days: Annotated[int, Query(ge=0, le=366, description="Also list reviews due within this many days.")] = 14,
    limit: Limit = 200,
) -> Any:
    """Accounts whose next review is overdue or due soon: overdue first, then by due date."""
    return as_accepted(request, "reviews-due", ReviewsDueReport.model_validate(await service.reviews_due(days, limit)))


@router.get("/at-risk", name="reports_at_risk_get", response_model=AtRiskReport, responses=AS_FILES)
async def at_risk(request: Request, service: Service, limit: Limit = 200) -> Any:
    """Amber and red accounts with their signals: red first, then the most signals."""
    return as_accepted(request, "at-risk", AtRiskReport.model_validate(await service.at_risk(limit)))


@router.get(
    "/pipeline", name="reports_pipeline_get", response_model=PipelineReport, responses={**problems(422), **AS_FILES}
)
async def pipeline(
    request: Request,
    service: Service,
    closed_from: Annotated[Day | None, Query(description="Start of the won/lost window; default 90 days ago.")] = None,
    closed_to: Annotated[Day | None, Query(description="End of the window (inclusive); default today.")] = None,
) -> Any:
    """Open opportunities by stage (count, amount, weighted amount); won and lost in the window, with
    the loss reasons."""
    return as_accepted(
        request, "pipeline", PipelineReport.model_validate(await service.pipeline(closed_from, closed_to))
    )


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
    and viewers see every owner, a kam its own row. JSON, or Markdown, CSV or Excel by `Accept`."""
    report = await service.team(period_from, period_to)
    return as_accepted(request, "team-scorecard", report, team_markdown)


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
    `Accept: text/markdown` (the document for the meeting), CSV or Excel by `Accept`, JSON otherwise."""
    pack = await service.monthly(_first_day(month), limit)
    return as_accepted(request, "monthly-pack", pack, monthly_markdown)


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
    targets, competitors, team, next steps. JSON, or Markdown, CSV or Excel by `Accept`."""
    report = await service.account_report(account_id, period_from, period_to)
    return as_accepted(request, "account-report", report, to_markdown)


# Each answer that is a file by `Accept` is also an operation of its own (a generated client's function).
add_file_operations(router)
add_file_operations(account_router)
