"""``/v1/reports/targets|programme|criteria|commission``: the programme in numbers, scoped to what
the caller sees."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from app.account_records.dependencies import lagging_scoped_service
from app.plumbing.dates import Day
from app.plumbing.errors import problems
from app.plumbing.exports import AS_MARKDOWN, add_file_operations, as_accepted
from app.programme import markdown
from app.programme.schemas import CommissionReport, CriteriaReport, ProgrammeReport, TargetsReport
from app.programme.service import ProgrammeService

router = APIRouter(prefix="/v1/reports", tags=["reports"], responses=problems(401, 422))

# Reports tolerate lag: on the replica when there is one.
Service = Annotated[ProgrammeService, lagging_scoped_service(ProgrammeService)]


@router.get("/targets", name="reports_targets_get", response_model=TargetsReport, responses=AS_MARKDOWN)
async def targets(
    request: Request,
    service: Service,
    year: Annotated[int | None, Query(ge=1900, le=2199, description="Default this year.")] = None,
) -> Any:
    """The year's targets (`PUT /v1/targets/{year}`) against the accounts: key accounts, their share
    of revenue and its growth, each actual, projected to the year's end and against its target; the
    drivers of key-account revenue (how many, how much each, how often each buys) against the year
    before; per owner, revenue against its target. JSON, or Markdown, CSV or Excel by `Accept`."""
    return as_accepted(request, "targets", (await service.targets(year)).model_dump(), markdown.targets)


@router.get("/programme", name="reports_programme_get", response_model=ProgrammeReport, responses=AS_MARKDOWN)
async def programme(
    request: Request,
    service: Service,
    year: Annotated[int | None, Query(ge=1900, le=2199, description="Default the latest complete year.")] = None,
) -> Any:
    """What the programme returns: per tier (as it was at the year's end), revenue, cost to serve,
    margin, growth, accounts retained and interactions per account; key accounts against the rest;
    the same a year earlier. JSON, or Markdown, CSV or Excel by `Accept`."""
    return as_accepted(request, "programme", (await service.programme(year)).model_dump(), markdown.programme)


@router.get("/criteria", name="reports_criteria_get", response_model=CriteriaReport, responses=AS_MARKDOWN)
async def criteria(request: Request, service: Service) -> Any:
    """Do the selection criteria choose well: for each criterion and the total score, Spearman's rank
    correlation across accounts with revenue growth and margin over the latest complete year, and a
    plain verdict (the rules' `programme.criteria_min_accounts` and `criteria_min_correlation`).
    JSON, or Markdown, CSV or Excel by `Accept`."""
    return as_accepted(request, "criteria", (await service.criteria()).model_dump(), markdown.criteria)


@router.get(
    "/commission",
    name="reports_commission_get",
    response_model=CommissionReport,
    responses={**problems(403), **AS_MARKDOWN},
)
async def commission(
    request: Request,
    service: Service,
    period_from: Annotated[Day | None, Query(alias="from", description="Default 1 January of `to`'s year.")] = None,
    period_to: Annotated[Day | None, Query(alias="to", description="Default today.")] = None,
) -> Any:
    """Commission per owner: each deal won in the period at its account's tier rate when won
    (`tier_policies.*.commission_rate_percent`), stepped by the owner's achievement of its revenue
    target in `to`'s year (`programme.commission_steps`). Managers and admins see every owner, a kam
    itself. JSON, or Markdown, CSV or Excel by `Accept`."""
    report = (await service.commission(period_from, period_to)).model_dump()
    return as_accepted(request, "commission", report, markdown.commission)


# Each answer that is a file by `Accept` is also an operation of its own (a generated client's function).
add_file_operations(router)
