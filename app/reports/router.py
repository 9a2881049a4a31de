"""``/v1/reports/...``: the portfolio as a KAM programme is steered by it, scoped to what the caller sees."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import PlainTextResponse

from app.kit.dates import Day
from app.kit.errors import problems
from app.reports.operating import to_markdown
from app.reports.schemas import (
    AtRiskReport,
    ConcentrationReport,
    OperatingReport,
    PipelineReport,
    PyramidReport,
    ReviewsDueReport,
    TeamReport,
)
from app.reports.service import ReportService
from app.reports.team import to_markdown as team_markdown
from app.scoped.dependencies import lagging_scoped_service

router = APIRouter(prefix="/v1/reports", tags=["reports"], responses=problems(401, 422))

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
    responses={200: {"content": {"text/markdown": {"schema": {"type": "string"}}}}},
)
async def team(
    request: Request,
    service: Service,
    period_from: Annotated[Day | None, Query(alias="from", description="Default 90 days before `to`.")] = None,
    period_to: Annotated[Day | None, Query(alias="to", description="Default today.")] = None,
) -> Any:
    """The team scorecard: per owner, accounts by tier, revenue and key share, reviews held on time,
    follow-ups kept, visit frequency, decision makers engaged, plans active, accounts at risk, the
    pipeline, and the stars of the rules' `kam_scorecard`; the team's totals last. Managers, admins
    and viewers see every owner, a kam its own row. JSON, or Markdown with `Accept: text/markdown`."""
    report = await service.team(period_from, period_to)
    if "text/markdown" in request.headers.get("accept", ""):
        return PlainTextResponse(team_markdown(report), media_type="text/markdown; charset=utf-8")
    return report


account_router = APIRouter(tags=["reports"], responses=problems(401, 404, 422))


@account_router.get(
    "/v1/accounts/{account_id}/report",
    name="account_report_get",
    response_model=OperatingReport,
    responses={200: {"content": {"text/markdown": {"schema": {"type": "string"}}}}},
)
async def account_report(
    account_id: uuid.UUID,
    request: Request,
    service: Service,
    period_from: Annotated[Day | None, Query(alias="from", description="Default 90 days before `to`.")] = None,
    period_to: Annotated[Day | None, Query(alias="to", description="Default today.")] = None,
) -> Any:
    """The account's operating report: overall situation, maintenance, churn or shrinkage, growth
    targets, competitors, team, next steps. JSON, or Markdown with `Accept: text/markdown`."""
    report = await service.account_report(account_id, period_from, period_to)
    if "text/markdown" in request.headers.get("accept", ""):
        return PlainTextResponse(to_markdown(report), media_type="text/markdown; charset=utf-8")
    return report
