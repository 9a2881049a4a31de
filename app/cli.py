"""The ``kam`` command: serve, migrate, create-admin, seed-demo, worker, judge, openapi."""

import argparse
import asyncio
import functools
import getpass
import json
import multiprocessing
import os
import signal
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import TypeVar

from alembic import command
from alembic.config import Config
from pydantic import TypeAdapter, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app import unit_of_work
from app.account_facts.repository import FactsRepository
from app.auth.schemas import MIN_PASSWORD_LENGTH, Password
from app.db import MIGRATION_LOCK, create_engine
from app.demo.seed import seed_demo
from app.demo.vocabulary import ADMIN_EMAIL as DEMO_ADMIN_EMAIL
from app.demo.vocabulary import PASSWORD as DEMO_PASSWORD
from app.embedded_pg import EmbeddedPostgresMissing, start_embedded_postgres
from app.events.clock import judge_all
from app.jobs.queue import run_worker
from app.plumbing.capacity import worker_count
from app.plumbing.errors import Conflict
from app.plumbing.logs import configure_logging
from app.plumbing.supervision import SUPERVISOR_VARIABLE
from app.plumbing.telemetry import MULTIPROCESS_DIR_VARIABLE
from app.plumbing.transactions import transaction
from app.rules_versions.repository import RulesRepository
from app.settings import Settings, SettingsError, get_settings
from app.users.bootstrap import bootstrap_admin, create_admin, has_users

T = TypeVar("T")

# Inside the package, so an installed wheel migrates as a checkout does (alembic.ini at the project's
# root is only for `alembic revision` while developing).
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    config.attributes["database_url"] = database_url
    return config


def database_url(settings: Settings) -> str:
    """The configured server, or the embedded one, started (or reused) now."""
    return settings.database_url or start_embedded_postgres(settings.data_dir)


def migrate(url: str) -> None:
    """Apply the migrations, then store the facts of accounts that have none yet (accounts created
    before facts were kept), so reports and filters over the stored facts see every account."""
    command.upgrade(alembic_config(url), "head")
    asyncio.run(_with_sessions(url, _fill_missing_facts))


async def _fill_missing_facts(factory: async_sessionmaker[AsyncSession]) -> None:
    async with transaction(factory) as session:
        await session.execute(MIGRATION_LOCK)
        await FactsRepository(session).ensure_facts()


async def _with_sessions(url: str, work: Callable[[async_sessionmaker[AsyncSession]], Awaitable[T]]) -> T:
    engine = create_engine(url, pool_size=1, pgbouncer=get_settings().database_pgbouncer)
    try:
        return await work(unit_of_work.session_factory(engine))
    finally:
        await engine.dispose()


def create_admin_command(settings: Settings, email: str, name: str, password: str | None) -> None:
    if password is None and sys.stdin.isatty():
        password = _ask_password()
    if password is not None:
        try:
            TypeAdapter(Password).validate_python(password)
        except ValidationError as refused:
            sys.exit(f"kam create-admin: the password is not accepted: {refused.errors()[0]['msg']}")
    url = database_url(settings)
    migrate(url)

    async def work(factory: async_sessionmaker[AsyncSession]) -> str:
        async with transaction(factory) as session:
            return await create_admin(session, email, name, password=password)

    try:
        secret = asyncio.run(_with_sessions(url, work))
    except Conflict as conflict:
        sys.exit(f"kam create-admin: {conflict.detail}")
    if password is None:
        print(f"Admin {email} created without a password (give --password to let it sign in to the web app).")
    else:
        print(f"Admin {email} created; it signs in to the web app with its email and password.")
    print(f"Its API token (shown once, keep it safe):\n\n  {secret}\n")
    print(f"Use it as: curl -H 'Authorization: Bearer {secret}' http://{settings.host}:{settings.port}/v1/users/me")


def _ask_password() -> str | None:
    """Asked twice, never echoed; an empty answer creates the admin without a password."""
    password = getpass.getpass(f"Password for the web app ({MIN_PASSWORD_LENGTH}+ characters, empty for none): ")
    if not password:
        return None
    if getpass.getpass("The same password again: ") != password:
        sys.exit("kam create-admin: the two passwords differ")
    return password


def seed_demo_command(settings: Settings, accounts: int, seed: int, reset: bool = False) -> None:
    url = database_url(settings)
    if reset:
        # Every table dropped and made again: nothing of the old data stays.
        command.downgrade(alembic_config(url), "base")
    migrate(url)

    async def work(factory: async_sessionmaker[AsyncSession]) -> dict[str, int]:
        async with transaction(factory) as session:
            rules = await RulesRepository(session).current()
            return await seed_demo(session, accounts, rules, seed)

    started = time.perf_counter()
    try:
        counts = asyncio.run(_with_sessions(url, work))
    except ValueError as refused:
        sys.exit(f"kam seed-demo: {refused}")
    print(f"Seeded in {time.perf_counter() - started:.1f} s: " + ", ".join(f"{n} {t}" for t, n in counts.items()))
    print(f"Sign in as the demo admin: {DEMO_ADMIN_EMAIL} with the password {DEMO_PASSWORD!r}.")
    print("The demo managers and KAMs (demo-manager-..., demo-kam-000@example.com, ...) share that password.")


def judge_command(settings: Settings) -> None:
    """Judge every account as of now and tell what time alone changed (from cron, every few minutes)."""
    url = database_url(settings)
    migrate(url)

    async def work(factory: async_sessionmaker[AsyncSession]) -> int:
        return await judge_all(factory, datetime.now(UTC))

    print(f"Judged every live account: {asyncio.run(_with_sessions(url, work))} change(s) told.")


def worker_command(settings: Settings) -> None:
    """Run background jobs on their own (with ``KAM_RUN_JOBS=false`` on the API processes)."""
    url = database_url(settings)
    migrate(url)
    configure_logging(settings.log_level)
    if settings.worker_metrics_port is not None:
        from prometheus_client import start_http_server

        start_http_server(settings.worker_metrics_port, addr=settings.host)
        print(f"Metrics on http://{settings.host}:{settings.worker_metrics_port}/metrics", flush=True)
    print("Running jobs; Ctrl-C (or SIGTERM) stops after the jobs under way.", flush=True)
    # procrastinate's own signal handlers: a first signal lets running jobs finish, a second stops.
    allow_local = settings.webhooks_allow_local_targets
    asyncio.run(
        _with_sessions(
            url,
            lambda factory: run_worker(url, factory, allow_local_targets=allow_local, install_signal_handlers=True),
        )
    )


def serve(settings: Settings) -> None:
    # Imported here, not at the top: the other commands need no HTTP server.
    from granian.constants import Interfaces
    from granian.log import LogLevels
    from granian.server import Server

    url = database_url(settings)
    migrate(url)
    # Here, once, before the workers: a worker started again while the database is away must not
    # fail its start (which stops every worker) on this.
    try:
        asyncio.run(_with_sessions(url, functools.partial(bootstrap_admin, settings=settings)))
    except ValueError as refused:
        sys.exit(f"kam: {refused}")
    if settings.bootstrap_admin_token is None and not asyncio.run(_with_sessions(url, has_users)):
        print(
            "No users yet. Create the first admin and its API token with:\n"
            "  .venv/bin/kam create-admin --email you@example.com --name 'Your Name' --password '...'",
            flush=True,
        )
    # Workers (and the app factory) read the URL from the environment; this process keeps the
    # embedded server and stops it when the server returns after Ctrl-C or SIGTERM.
    os.environ["KAM_DATABASE_URL"] = url
    get_settings.cache_clear()
    # Until granian takes the signals over, a stop is an ordinary exit: the embedded server's exit
    # hook stops PostgreSQL.
    signal.signal(signal.SIGTERM, _exit_quietly)
    signal.signal(signal.SIGINT, _exit_quietly)
    # Imported here, not at the top: the other commands need none of the app's routers.
    from app.main import connection_plan

    workers = worker_count(settings.workers)
    # The workers read the count from the environment, to take their share of the connections.
    os.environ["KAM_WORKERS"] = str(workers)
    # And who started them, to stop if this process is killed outright.
    os.environ[SUPERVISOR_VARIABLE] = str(os.getpid())
    warning = connection_plan(settings.model_copy(update={"workers": workers})).warning
    if warning is not None:
        print(f"kam: {warning}", file=sys.stderr, flush=True)
    with tempfile.TemporaryDirectory(prefix="kam-metrics-") as metrics_dir:
        if workers > 1:
            # Set before the workers start (and import prometheus_client): they share their metrics here.
            os.environ[MULTIPROCESS_DIR_VARIABLE] = metrics_dir
        # Each worker a new interpreter, as forking this process would not give: the metrics' library,
        # already imported here, chooses at import whether the workers share their counts.
        multiprocessing.set_start_method("spawn", force=True)
        server = Server(
            "app.main:create_served_app",
            factory=True,
            interface=Interfaces.ASGI,
            address=settings.host,
            port=settings.port,
            workers=workers,
            log_level=LogLevels(settings.log_level),
            # Logging is ours (JSON lines, one per request from the app); granian's would repeat it.
            log_access=False,
            # A worker that dies is started again; one that dies again at once stops the service
            # (a worker that cannot start is not started again for ever).
            respawn_failed_workers=True,
        )
        # After granian's own logging set-up, which would write its lines apart from ours.
        configure_logging(settings.log_level)
        print(f"Serving on http://{settings.host}:{settings.port} (API docs at /docs)", flush=True)
        # Returns once every worker has finished its requests after SIGTERM or SIGINT; exits 1 when
        # a worker failed.
        server.serve()


def _exit_quietly(signum: int, frame: object) -> None:
    raise SystemExit(0)


def write_openapi(output: str | None) -> None:
    from app.main import create_app

    document = json.dumps(create_app().openapi(), indent=2, sort_keys=True) + "\n"
    if output:
        Path(output).write_text(document)
    else:
        sys.stdout.write(document)


def parser() -> argparse.ArgumentParser:
    """The command line, also the source of the CLI reference in the docs."""
    kam = argparse.ArgumentParser(
        prog="kam",
        description="Key account management service. Settings come from KAM_* environment variables.",
    )
    kam.add_argument("--version", action="version", version=f"%(prog)s {version('kam-service')}")
    commands = kam.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve_command = commands.add_parser(
        "serve", help="migrate, then serve the API (starts the embedded PostgreSQL if KAM_DATABASE_URL is unset)"
    )
    serve_command.add_argument("--host", help="address to listen on (default: KAM_HOST, else 127.0.0.1)")
    serve_command.add_argument("--port", type=int, help="port to listen on (default: KAM_PORT, else 8000)")
    commands.add_parser("migrate", help="apply the database migrations")
    admin = commands.add_parser("create-admin", help="create an admin user and print its API token")
    admin.add_argument("--email", required=True, help="the admin's email, used to sign in")
    admin.add_argument("--name", default="Administrator", help="the name shown in the app (default: %(default)s)")
    admin.add_argument(
        "--password",
        help=f"password for the web app, {MIN_PASSWORD_LENGTH} characters or more (asked at a terminal if omitted)",
    )
    demo = commands.add_parser("seed-demo", help="load a realistic demo portfolio into an empty database")
    demo.add_argument("--accounts", type=int, default=1000, help="how many accounts (default: %(default)s)")
    demo.add_argument("--seed", type=int, default=7, help="same seed, same portfolio (default: %(default)s)")
    demo.add_argument(
        "--reset", action="store_true", help="delete everything in the database first (every table made again)"
    )
    commands.add_parser(
        "worker", help="run background jobs on their own, beside API processes run with KAM_RUN_JOBS=false"
    )
    commands.add_parser("judge", help="judge every account now and tell what time alone changed (run it from cron)")
    openapi = commands.add_parser("openapi", help="print or write the OpenAPI document")
    openapi.add_argument("--output", help="file to write instead of standard output")
    return kam


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    try:
        settings = get_settings()
    except SettingsError as error:
        sys.exit(f"kam: {error}")
    try:
        _run(args, settings)
    except EmbeddedPostgresMissing as error:
        sys.exit(f"kam: {error}")


def _run(args: argparse.Namespace, settings: Settings) -> None:
    if args.command == "serve":
        overrides = {key: getattr(args, key) for key in ("host", "port") if getattr(args, key) is not None}
        if overrides:
            os.environ.update({f"KAM_{key.upper()}": str(value) for key, value in overrides.items()})
            get_settings.cache_clear()
            try:
                settings = get_settings()
            except SettingsError as error:
                sys.exit(f"kam: {error}")
        serve(settings)
    elif args.command == "migrate":
        migrate(database_url(settings))
    elif args.command == "create-admin":
        create_admin_command(settings, args.email, args.name, args.password)
    elif args.command == "seed-demo":
        seed_demo_command(settings, args.accounts, args.seed, args.reset)
    elif args.command == "worker":
        worker_command(settings)
    elif args.command == "judge":
        judge_command(settings)
    elif args.command == "openapi":
        write_openapi(args.output)


if __name__ == "__main__":
    main()
