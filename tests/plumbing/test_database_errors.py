"""Which database failures are the database being away (503), a transaction aborted for contention
(503, sent again it gets through) and a value it refuses (422); everything else stays an unexpected
error."""

import logging

import asyncpg
import psycopg
import pytest
from procrastinate.exceptions import ConnectorException
from sqlalchemy import exc as sa_exc

from app.plumbing.database_errors import DatabaseAwayNoise, contended, database_unavailable, value_refused


def wrapped(cause: BaseException) -> sa_exc.DBAPIError:
    """As SQLAlchemy raises a driver error: a DBAPIError whose orig was caused by it."""
    orig = Exception("driver error")
    orig.__cause__ = cause
    return sa_exc.DBAPIError("SELECT 1", {}, orig)


@pytest.mark.parametrize(
    "error",
    [
        ConnectionRefusedError(111, "refused"),
        wrapped(asyncpg.CannotConnectNowError("the database system is starting up")),
        wrapped(asyncpg.AdminShutdownError("terminating connection due to administrator command")),
        wrapped(asyncpg.ConnectionDoesNotExistError("connection was closed in the middle of operation")),
        wrapped(asyncpg.TooManyConnectionsError("too many clients")),
        sa_exc.TimeoutError("QueuePool limit reached"),
    ],
)
def test_the_database_away_is_recognised(error):
    assert database_unavailable(error)
    assert not value_refused(error)


@pytest.mark.parametrize(
    "error",
    [
        wrapped(asyncpg.CharacterNotInRepertoireError("invalid byte sequence for encoding UTF8: 0x00")),
        wrapped(asyncpg.UntranslatableCharacterError("unsupported Unicode escape sequence")),
        wrapped(asyncpg.DatetimeFieldOverflowError("date/time field value out of range")),
        wrapped(asyncpg.NumericValueOutOfRangeError("numeric field overflow")),
    ],
)
def test_a_value_the_database_refuses_is_recognised(error):
    assert value_refused(error)
    assert not database_unavailable(error)


@pytest.mark.parametrize(
    "error",
    [
        wrapped(asyncpg.UniqueViolationError("duplicate key")),
        wrapped(asyncpg.DivisionByZeroError("division by zero")),
        ValueError("a bug"),
    ],
)
def test_anything_else_is_neither(error):
    assert not database_unavailable(error)
    assert not value_refused(error)
    assert not contended(error)


@pytest.mark.parametrize(
    "error",
    [
        wrapped(asyncpg.DeadlockDetectedError("deadlock detected")),
        wrapped(asyncpg.SerializationError("could not serialize access due to concurrent update")),
    ],
)
def test_a_transaction_aborted_for_contention_is_recognised(error):
    assert contended(error)
    assert not database_unavailable(error)
    assert not value_refused(error)


def test_tasks_that_all_lost_the_database_lost_the_database():
    lost = OSError("connection refused")
    assert database_unavailable(ExceptionGroup("lanes", [lost, ConnectionResetError()]))
    assert not database_unavailable(ExceptionGroup("lanes", [lost, ValueError("a bug")]))


def _asyncio_record(message: str, error: BaseException) -> logging.LogRecord:
    return logging.LogRecord("asyncio", logging.ERROR, __file__, 1, message, (), (type(error), error, None))


def test_a_job_that_lost_the_database_while_finishing_is_not_a_traceback_in_the_log():
    """The job queue's library leaves such a task's error unread, and asyncio logged it with its
    traceback when the database went away under a running job (seen in the outage test)."""
    lost = ConnectorException("Database error.")
    lost.__cause__ = psycopg.OperationalError("server closed the connection unexpectedly")
    noise = DatabaseAwayNoise()
    message = "Task exception was never retrieved\nfuture: <Task finished name='process job dispatch_webhooks[4]'>"
    assert noise.filter(_asyncio_record(message, lost)) is False
    assert noise.filter(_asyncio_record(message, ValueError("a bug"))) is True
    assert noise.filter(_asyncio_record("Task exception was never retrieved: other", lost)) is True


@pytest.mark.parametrize(
    "warning",
    [
        "error ignored in rollback on <psycopg.AsyncConnection [BAD] at 0x7f>: consuming input failed",
        'query cancellation failed: cancellation failed: connection to server at "127.0.0.1" failed',
    ],
)
def test_a_connection_the_outage_broke_is_not_a_warning_of_its_own(warning):
    """The job queue's driver warns of connections the database's going away broke (seen in the
    outage test, as the service stopped): the outage is said once already. Its errors still show."""
    noise = DatabaseAwayNoise()
    assert noise.filter(logging.LogRecord("psycopg", logging.WARNING, __file__, 1, warning, (), None)) is False
    assert noise.filter(logging.LogRecord("psycopg", logging.ERROR, __file__, 1, "a bug", (), None)) is True
