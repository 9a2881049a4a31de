"""What an operator watches: Prometheus metrics (requests by route template, method and status, their
latency, the database pool) and one structured log line per request.

With several workers, ``kam serve`` points ``PROMETHEUS_MULTIPROC_DIR`` at a directory the workers
share before they start, and ``/metrics`` adds up every live worker's figures.
"""

import functools
import logging
import os
import re
import time
from typing import Any
from urllib.parse import parse_qsl, urlencode

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import AsyncAdaptedQueuePool
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MULTIPROCESS_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
# Requests that matched no route share one label, so probing random paths cannot grow the series.
UNMATCHED_ROUTE = "unmatched"

REQUESTS = Counter("kam_http_requests_total", "HTTP requests answered.", ["route", "method", "status"])
LATENCY = Histogram(
    "kam_http_request_duration_seconds",
    "Time to answer an HTTP request.",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
POOL_IN_USE = Gauge(
    "kam_db_pool_connections_in_use", "Database connections checked out of the pool.", multiprocess_mode="livesum"
)
POOL_WAITING = Gauge(
    "kam_db_pool_waiting_requests", "Requests waiting for a database connection.", multiprocess_mode="livesum"
)

access_log = logging.getLogger("kam.access")
# Query parameters whose values the access line never writes: a calendar feed's token, a sign-in's
# code, anything named like a credential.
_SECRET_PARAMETER = re.compile(r"token|secret|password|passwd|key|signature|sig$|code|credential|auth", re.IGNORECASE)
REDACTED = "[redacted]"


class InstrumentedPool(AsyncAdaptedQueuePool):
    """The usual async pool, counting who waits for a connection."""

    def _do_get(self) -> Any:
        POOL_WAITING.inc()
        try:
            return super()._do_get()
        finally:
            POOL_WAITING.dec()


def instrument_pool(engine: AsyncEngine) -> None:
    """Count connections in use through the pool's checkout and checkin events."""
    pool = engine.sync_engine.pool
    event.listen(pool, "checkout", lambda *_: POOL_IN_USE.inc())
    event.listen(pool, "checkin", lambda *_: POOL_IN_USE.dec())


def metrics_exposition() -> tuple[bytes, str]:
    """The metrics in Prometheus' text format: this process's, or every live worker's."""
    if os.environ.get(MULTIPROCESS_DIR_VARIABLE):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


@functools.lru_cache(maxsize=1024)
def _series(route: str, method: str, status: int) -> tuple[Any, Any]:
    # The labelled series of a (route, method, status), looked up once: routes are templates and
    # unmatched paths share one label (methods are the client's: the cache is bounded).
    return REQUESTS.labels(route, method, str(status)), LATENCY.labels(route, method)


def route_label(scope: Scope) -> str:
    """The route's template without converters ("{account_id}", not "{account_id:uuid}"), one per
    operation; a mounted app's files (the API docs' assets) share their mount's label."""
    route = scope.get("route")
    if route is not None:
        return str(route.path_format)
    if "endpoint" in scope and "app_root_path" in scope:
        return f"{scope['root_path'][len(scope['app_root_path']) :]}/{{path}}"
    return UNMATCHED_ROUTE


def safe_query(query_string: bytes) -> str:
    """The query string as the client sent it, but for the values of parameters named like secrets."""
    if not query_string:
        return ""
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    return urlencode([(name, REDACTED if _SECRET_PARAMETER.search(name) else value) for name, value in pairs])


class RequestTelemetryMiddleware:
    """Counts and times every request by its route template, and logs one line for it with the
    request id, the client's address and user agent, the route, the query (secrets removed), the
    status, the response's size, the duration and the signed-in user."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the client gets if the app fails before answering
        size = 0

        async def send_recording_status(message: Message) -> None:
            nonlocal status, size
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, send_recording_status)
        finally:
            elapsed = time.perf_counter() - started
            route = route_label(scope)
            method = scope["method"]
            counted, timed = _series(route, method, status)
            counted.inc()
            timed.observe(elapsed)
            if access_log.isEnabledFor(logging.INFO):  # the line's fields cost a little on every request
                state = scope.get("state", {})
                client = scope.get("client")
                access_log.info(
                    "%s %s %s",
                    method,
                    scope.get("path", ""),
                    status,
                    extra={
                        "request_id": state.get("request_id"),
                        "method": method,
                        "path": scope.get("path", ""),
                        "query": safe_query(scope.get("query_string", b"")),
                        "route": route,
                        "status": status,
                        "bytes": size,
                        "duration_ms": round(elapsed * 1000, 2),
                        "client": client[0] if client else None,
                        "user_agent": Headers(scope=scope).get("user-agent"),
                        "user_id": state.get("user_id"),
                    },
                )
