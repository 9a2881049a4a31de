"""What a client gets when the database fails: a 503 with ``Retry-After`` while it is away (pool
exhausted, connection refused or lost, server starting or shutting down), logged as one line and
not a traceback; a 422 when it refuses a value the schemas let through."""

import logging

import asyncpg
import psycopg
from asyncpg.exceptions import _base as asyncpg_base
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import exc as sa_exc

from app.plumbing.errors import FieldError, InvalidFields, problem_response, unexpected_error

RETRY_AFTER_SECONDS = 5
CONTENTION_RETRY_AFTER_SECONDS = 1

logger = logging.getLogger(__name__)

# asyncpg errors meaning the server is not there for us: connection failures (class 08), the server
# starting, shutting down or cancelling (class 57), too many connections (class 53), a closed connection.
_UNAVAILABLE = (
    asyncpg.PostgresConnectionError,
    asyncpg.OperatorInterventionError,
    asyncpg.InsufficientResourcesError,
    asyncpg.InterfaceError,
)
# Query input the driver refuses to encode (a number or a time out of PostgreSQL's range).
_CLIENT_DATA_ERROR = asyncpg_base.DataError
# Transactions PostgreSQL aborted to settle contention: a deadlock, a serialization failure.
_CONTENTION_STATES = {"40P01", "40001"}
# Values PostgreSQL cannot hold: text with NUL, a time or number out of its range.
_REFUSED_VALUE_STATES = {"22021", "22P05", "22008", "22003", "22007", "22009"}


def _causes(error: BaseException) -> list[BaseException]:
    """The error, the driver error SQLAlchemy wraps, and what caused them."""
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in chain:
        chain.append(current)
        current = getattr(current, "orig", None) or current.__cause__ or current.__context__
    return chain


def database_unavailable(error: BaseException) -> bool:
    if isinstance(error, BaseExceptionGroup):  # tasks run together, each of which lost it
        return all(database_unavailable(inner) for inner in error.exceptions)
    for cause in _causes(error):
        if isinstance(cause, sa_exc.TimeoutError):  # no pooled connection came free in time
            return True
        if isinstance(cause, sa_exc.DBAPIError) and cause.connection_invalidated:
            return True
        if isinstance(cause, (OSError, *_UNAVAILABLE)) and not isinstance(cause, _CLIENT_DATA_ERROR):
            return True
        if isinstance(cause, psycopg.OperationalError):  # the job queue's driver
            return True
    return False


# The job queue's library and its driver's pool report every attempt to reach a database that is
# away, each with a traceback, many a second; the service says it once (app.jobs.queue) and each
# request says it in its own warning line.
_JOB_QUEUE_LOGGERS = ("procrastinate", "psycopg")


class DatabaseAwayNoise(logging.Filter):
    """Drops the job queue's own reports of the database being away, and asyncio's report of a job
    that lost it while finishing (the library leaves that task's error unread; the job stays in
    progress and is taken up again as stalled once the database is back)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "asyncio":
            error = record.exc_info[1] if record.exc_info else None
            lost_job = "process job" in record.getMessage()
            return not (lost_job and error is not None and database_unavailable(error))
        if not record.name.startswith(_JOB_QUEUE_LOGGERS):
            return True
        if record.name.startswith("psycopg") and record.levelno < logging.ERROR:
            # The driver's and its pool's warnings are about connections an outage broke: "error
            # connecting" (the pool trying again), "error ignored in rollback", "query cancellation
            # failed". The outage is said once already.
            return False
        error = record.exc_info[1] if record.exc_info else None
        return error is None or not database_unavailable(error)


def contended(error: BaseException) -> bool:
    """Whether PostgreSQL rolled the transaction back to settle contention with concurrent ones
    (a deadlock, a serialization failure): the same request, sent again, will get through."""
    return any(
        isinstance(cause, asyncpg.PostgresError) and cause.sqlstate in _CONTENTION_STATES for cause in _causes(error)
    )


def value_refused(error: BaseException) -> bool:
    for cause in _causes(error):
        if isinstance(cause, _CLIENT_DATA_ERROR):
            return True
        if isinstance(cause, asyncpg.PostgresError) and cause.sqlstate in _REFUSED_VALUE_STATES:
            return True
    return False


async def _database_error(request: Request, error: Exception) -> JSONResponse:
    request_id = getattr(request.state, "request_id", None)
    if database_unavailable(error):
        logger.warning(
            "database unavailable on %s %s (request %s): %s: %s",
            request.method,
            request.url.path,
            request_id,
            type(error).__name__,
            _first_line(error),
        )
        return problem_response(
            request,
            503,
            "Service unavailable",
            "unavailable",
            "The database is not reachable; try again shortly.",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    if contended(error):
        logger.warning(
            "concurrent writes on %s %s (request %s): %s",
            request.method,
            request.url.path,
            request_id,
            _first_line(error),
        )
        return problem_response(
            request,
            503,
            "Service unavailable",
            "contention",
            "The request met concurrent writes to the same records and was rolled back whole; send it again.",
            headers={"Retry-After": str(CONTENTION_RETRY_AFTER_SECONDS)},
        )
    if value_refused(error):
        # The schemas should have refused it first: worth a look, but the client only sent bad input.
        logger.warning(
            "database refused a value on %s %s (request %s): %s", request.method, request.url.path, request_id, error
        )
        message = "a value is outside what the service can store"
        return problem_response(
            request,
            422,
            InvalidFields.title,
            InvalidFields.slug,
            f"Invalid fields: {message}.",
            errors=[FieldError(loc=["request"], msg=message, type="value_error")],
        )
    return await unexpected_error(request, error)


def _first_line(error: BaseException) -> str:
    return str(error).splitlines()[0] if str(error) else ""


def install_database_error_handlers(app: FastAPI) -> None:
    # Registered for these types (not only for Exception) so they are answered by the routing layer,
    # which keeps the connection and logs nothing more, instead of the last-resort error middleware.
    for error_type in (sa_exc.SQLAlchemyError, asyncpg.PostgresError, asyncpg.InterfaceError, OSError):
        app.add_exception_handler(error_type, _database_error)
