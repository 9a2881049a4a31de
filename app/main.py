"""The application factory: middleware, error handlers, routers."""

import asyncio
import functools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.routing import APIRoute
from granian.utils.proxies import wrap_asgi_with_proxy_headers
from starlette.types import ASGIApp

from app import __version__, unit_of_work
from app.account_screen.router import hot_routes as account_read_routes
from app.account_screen.router import router as account_screen_router
from app.account_screen.service import KeptScreens
from app.accounts.kept_fields import KeptFields
from app.accounts.router import hot_routes as account_list_routes
from app.accounts.router import router as accounts_router
from app.agenda.router import calendar_feed
from app.agenda.router import router as agenda_router
from app.audit.router import router as audit_router
from app.auth.router import router as auth_router
from app.buying_centers.router import router as buying_centers_router
from app.contacts.router import hot_routes as contact_list_routes
from app.contacts.router import router as contacts_router
from app.db import create_engine
from app.embedded_pg import start_embedded_postgres
from app.events.router import router as events_router
from app.financials.router import router as financials_router
from app.follow_ups.router import router as follow_ups_router
from app.interactions.router import router as interactions_router
from app.jobs.queue import QUEUE_CONNECTIONS, BackgroundJobs
from app.jobs.router import router as jobs_router
from app.measurements.router import router as measurements_router
from app.offerings.router import router as offerings_router
from app.operations.api_docs import install_api_docs
from app.operations.router import router as system_router
from app.opportunities.router import hot_routes as opportunity_list_routes
from app.opportunities.router import router as opportunities_router
from app.plans.router import router as plans_router
from app.plumbing.capacity import ConnectionPlan, plan_connections, worker_count
from app.plumbing.database_errors import install_database_error_handlers
from app.plumbing.errors import install_error_handlers
from app.plumbing.gc_tuning import freeze_startup_objects
from app.plumbing.logs import configure_logging
from app.plumbing.middleware import EdgeMiddleware
from app.plumbing.openapi import contract
from app.plumbing.pagination import no_count_yet
from app.plumbing.plain_rows import PlainPool
from app.plumbing.query_parameters import refuse_unknown_query
from app.plumbing.readable import Readable
from app.plumbing.supervision import stop_when_orphaned, supervisor
from app.plumbing.telemetry import RequestTelemetryMiddleware
from app.programme.router import router as programme_router
from app.reports.router import account_router as account_report_router
from app.reports.router import router as reports_router
from app.reviews.router import router as reviews_router
from app.rules_versions.repository import RulesCache
from app.rules_versions.router import router as rules_router
from app.settings import Settings, get_settings
from app.targets.router import router as targets_router
from app.teams.router import router as teams_router
from app.tokens.router import router as tokens_router
from app.users.router import router as users_router
from app.webhooks.router import deliveries as webhook_deliveries
from app.webhooks.router import router as webhooks_router
from app.whitespace.router import portfolio_router as portfolio_whitespace_router
from app.whitespace.router import router as whitespace_router


def _operation_id(route: APIRoute) -> str:
    # Route names are the operation ids (`accounts_list`, ...), so generated SDKs read well.
    return route.name


def connection_plan(settings: Settings) -> ConnectionPlan:
    """Each worker's pool (``KAM_DB_POOL_SIZE``, or its share of ``KAM_DB_MAX_CONNECTIONS``), beside its
    job queue's connections if it runs jobs."""
    return plan_connections(
        budget=settings.db_max_connections,
        workers=worker_count(settings.workers),
        queue_connections=QUEUE_CONNECTIONS if settings.run_jobs else 0,
        pool_size=settings.db_pool_size,
    )


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    if hasattr(app.state, "engine"):  # given by the caller (tests), who runs any jobs itself
        yield
        return
    url = settings.database_url
    if url is None:
        url = start_embedded_postgres(settings.data_dir)
    pool_size = connection_plan(settings).pool_size
    pooling = functools.partial(
        create_engine,
        pool_size=pool_size,
        pool_timeout=settings.db_pool_timeout_seconds,
        connect_timeout=settings.db_connect_timeout_seconds,
        pgbouncer=settings.database_pgbouncer,
    )
    app.state.engine = pooling(url)
    jobs = BackgroundJobs(url, run_jobs=settings.run_jobs, allow_local_targets=settings.webhooks_allow_local_targets)
    app.state.session_factory = unit_of_work.session_factory(app.state.engine, wakes=[jobs.after_commit])
    replica = None
    if settings.database_replica_url is not None:
        replica = pooling(settings.database_replica_url)
        app.state.replica_session_factory = unit_of_work.session_factory(replica)
    app.state.plain_pool = await PlainPool.open(
        url,
        pool_size,
        lend_timeout=settings.db_pool_timeout_seconds,
        connect_timeout=settings.db_connect_timeout_seconds,
        pgbouncer=settings.database_pgbouncer,
    )
    jobs.start(app.state.session_factory)
    started_by = supervisor()
    watch = None if started_by is None else asyncio.create_task(stop_when_orphaned(started_by))
    freeze_startup_objects()
    try:
        yield
    finally:
        if watch is not None:
            watch.cancel()
        await jobs.close()
        await app.state.plain_pool.close()
        del app.state.plain_pool  # closed: the app may serve again only with the sessions given to it
        await app.state.engine.dispose()
        if replica is not None:
            await replica.dispose()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level)
    app = FastAPI(
        title="Key account management service",
        version=__version__,
        description="Accounts, scoring, tiers and review cadence for key account management.",
        lifespan=_lifespan,
        generate_unique_id_function=_operation_id,
        # One schema per model, read or written: generators otherwise meet "-Input"/"-Output" twins.
        separate_input_output_schemas=False,
        # The service's metrics are Prometheus' (app.plumbing.telemetry); FastAPI's OpenTelemetry would
        # only ask on every request whether a provider was configured.
        telemetry={"tracing": False, "metrics": False, "logs": False},
        dependencies=[Depends(refuse_unknown_query), Depends(no_count_yet)],
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.rules_cache = RulesCache()
    app.state.kept_fields = KeptFields()
    app.state.kept_screens = KeptScreens()
    app.state.readable = Readable(settings.locale, settings.currency)
    app.openapi = lambda: contract(app)  # type: ignore[method-assign]
    install_error_handlers(app)
    install_database_error_handlers(app)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["*"],
            allow_headers=["*"],
            # What a browser's script may read: versions for If-Match, where a record was made, when
            # to retry, the request to quote, the next page.
            expose_headers=["ETag", "Location", "Retry-After", "X-Request-ID", "Link"],
        )
    app.add_middleware(EdgeMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestTelemetryMiddleware)
    # Routes are tried in the order included: the most requested first.
    app.include_router(accounts_router)
    app.include_router(account_screen_router)
    app.include_router(system_router)
    app.include_router(auth_router)
    app.include_router(users_router)
    app.include_router(tokens_router)
    app.include_router(events_router)
    app.include_router(webhooks_router)
    app.webhooks.include_router(webhook_deliveries)
    app.include_router(teams_router)
    app.include_router(contacts_router)
    app.include_router(opportunities_router)
    app.include_router(plans_router)
    app.include_router(interactions_router)
    app.include_router(follow_ups_router)
    app.include_router(agenda_router)
    app.include_router(calendar_feed)
    app.include_router(reviews_router)
    app.include_router(financials_router)
    app.include_router(measurements_router)
    app.include_router(offerings_router)
    app.include_router(buying_centers_router)
    app.include_router(whitespace_router)
    app.include_router(portfolio_whitespace_router)
    app.include_router(targets_router)
    app.include_router(reports_router)
    app.include_router(programme_router)
    app.include_router(account_report_router)
    app.include_router(audit_router)
    app.include_router(rules_router)
    app.include_router(jobs_router)
    install_api_docs(app)
    replica = settings.database_replica_url is not None
    app.router.routes[0:0] = [
        *account_read_routes(),
        *account_list_routes(replica=replica),
        *contact_list_routes(replica=replica),
        *opportunity_list_routes(),
    ]
    return app


def create_served_app() -> ASGIApp:
    """The app as `kam serve` serves it: behind a load balancer in KAM_FORWARDED_ALLOW_IPS, the client's
    address and scheme are the ones X-Forwarded-For and X-Forwarded-Proto name."""
    settings = get_settings()
    served: ASGIApp = wrap_asgi_with_proxy_headers(create_app(settings), settings.forwarded_allow_ips)
    return served
