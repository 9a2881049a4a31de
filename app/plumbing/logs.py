"""Logging: one JSON object per line (time, level, logger, message and the fields of the event), or
readable lines when the output is a terminal. Every standard-library logger, the HTTP server's
included, goes through the same formatter."""

import logging
import sys

import structlog
import structlog.tracebacks

from app.plumbing.database_errors import DatabaseAwayNoise

_HANDLER_NAME = "kam"
# The job queue tells every job's start and end, and every periodic deferral, at info: about sixteen
# lines a minute from an idle service. Its warnings and errors (a job failed) still show; the jobs'
# durations and outcomes are metrics (app/jobs/metrics.py).
_CHATTY = ("procrastinate",)


_SHARED_PROCESSORS: list[structlog.typing.Processor] = [
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.stdlib.ExtraAdder(),
    structlog.processors.TimeStamper(fmt="iso", utc=True, key="time"),
]


def configure_logging(level: str, *, json_lines: bool | None = None) -> None:
    """Send every log record to standard error, as JSON lines unless standard error is a terminal."""
    if json_lines is None:
        json_lines = not sys.stderr.isatty()
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer() if json_lines else structlog.dev.ConsoleRenderer()
    )
    final: list[structlog.typing.Processor] = [structlog.stdlib.ProcessorFormatter.remove_processors_meta]
    if json_lines:
        # A traceback becomes one field of the line instead of lines of its own; without the values
        # of local variables, which hold credentials and request bodies (and make lines huge).
        transformer = structlog.tracebacks.ExceptionDictTransformer(show_locals=False)
        final.append(structlog.processors.ExceptionRenderer(transformer))
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=_SHARED_PROCESSORS,
        processors=[*final, renderer],
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    handler.addFilter(DatabaseAwayNoise())
    handler.set_name(_HANDLER_NAME)
    root = logging.getLogger()
    # Replaces only its own handler, so configuring again (one app per test) leaves others' in place.
    root.handlers = [existing for existing in root.handlers if existing.get_name() != _HANDLER_NAME] + [handler]
    root.setLevel(level.upper())
    quieter = root.level if root.level <= logging.DEBUG else max(logging.WARNING, root.level)
    for name in _CHATTY:
        logging.getLogger(name).setLevel(quieter)
    # granian's, which it writes to standard output in its own format unless it is taken over (its
    # access log is off: the service writes its own, see app/plumbing/telemetry.py).
    granian = logging.getLogger("_granian")
    granian.handlers = []
    granian.propagate = True
