"""``/healthz``, ``/readyz``, ``/metrics`` and ``/v1/meta``."""

import asyncio
import logging

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel

from app import __version__
from app.db import SessionDep
from app.operations.figures import figures_exposition
from app.operations.repository import DatabaseFigures, database_figures, ping
from app.plumbing.database_errors import RETRY_AFTER_SECONDS, database_unavailable
from app.plumbing.errors import ServiceUnavailable, problems
from app.plumbing.telemetry import metrics_exposition
from app.rules_versions.service import RulesService

router = APIRouter(tags=["system"])

READINESS_TIMEOUT_SECONDS = 2.0
logger = logging.getLogger(__name__)


class Status(BaseModel):
    status: str


class Meta(BaseModel):
    version: str
    currency: str
    rules_version: int


@router.get("/healthz", name="system_liveness")
async def liveness() -> Status:
    """The process is up; says nothing about the database."""
    return Status(status="ok")


@router.get("/readyz", name="system_readiness", responses=problems(503))
async def readiness(request: Request) -> Status:
    """The database answers; a load balancer sends traffic only while this is 200."""
    try:
        async with asyncio.timeout(READINESS_TIMEOUT_SECONDS):
            await ping(request.app.state.engine)
    except Exception as error:
        raise ServiceUnavailable(
            "The database is not reachable.", headers={"Retry-After": str(RETRY_AFTER_SECONDS)}
        ) from error
    return Status(status="ok")


# Not in the OpenAPI document: it is for Prometheus, not for SDKs.
@router.get("/metrics", name="system_metrics", include_in_schema=False)
async def metrics(request: Request) -> Response:
    """Prometheus metrics: requests by route, method and status, their latency, the database pool, the
    jobs run; and the database's figures (the job queue, deliveries, the feed, the judgement). While the
    database is away, the process's own metrics still answer, with ``kam_database_figures_up 0``."""
    body, content_type = metrics_exposition()
    figures: DatabaseFigures | None = None
    try:
        async with asyncio.timeout(READINESS_TIMEOUT_SECONDS):
            figures = await database_figures(request.app.state.session_factory)
    except Exception as error:
        # Never a 500 here: the scrape keeps the process's own series. An outage is told by readiness
        # and the figures' absence; anything else is a defect, logged as one.
        if not (isinstance(error, TimeoutError) or database_unavailable(error)):
            logger.exception("the database's figures could not be read for /metrics")
    return Response(body + figures_exposition(figures), media_type=content_type)


@router.get("/v1/meta", name="meta_get")
async def meta(request: Request, session: SessionDep) -> Meta:
    """What a client needs to know about this deployment: the currency of every money field, the
    rules version in force."""
    rules = await RulesService(session).current()
    return Meta(version=__version__, currency=request.app.state.settings.currency, rules_version=rules.version)
