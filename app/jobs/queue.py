"""The job queue: the housekeeping tasks, the workers that run every task, and the wake-ups a
service process sends after its commits (the tasks of a domain are declared in its package).

Jobs live in PostgreSQL (procrastinate's tables, applied by a migration), so nothing more is
deployed. A periodic task is deferred once per tick whichever workers are running, and a job is
taken by one worker at a time; a worker that dies leaves its jobs to be retried, not lost.
"""

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

from procrastinate import App, JobContext, PsycopgConnector, builtin_tasks
from procrastinate.exceptions import AlreadyEnqueued
from procrastinate.worker import Worker
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.jobs.metrics import measured
from app.plumbing.database_errors import database_unavailable

# Tasks are declared on this app; a worker runs them through one connected to the database. A
# domain's own tasks are declared in its package, imported by the worker from ``import_paths``.
tasks = App(
    connector=PsycopgConnector(),
    import_paths=[
        "app.events.clock",
        "app.programme.kept",
        "app.rules_versions.reevaluation",
        "app.webhooks.jobs",
        "app.whitespace.kept",
    ],
)
# The webhook fan-out's task (app/webhooks/jobs.py), woken after a commit that wrote events.
DISPATCH_TASK = DISPATCH_LOCK = "dispatch_webhooks"
# Set on a session whose commit gives webhook senders work (events written, a delivery to retry).
WAKE_WEBHOOKS = "wake_webhooks"
OLD_JOBS_CRON = "17 * * * *"
# The re-evaluation's task (app/rules_versions/reevaluation.py), woken after a rules change's commit.
REEVALUATION_TASK = REEVALUATION_LOCK = "reevaluate_accounts"
# Set on a session whose commit queued a re-evaluation: the process wakes a worker for it.
WAKE_REEVALUATION = "wake_reevaluation"
STALLED_JOBS_CRON = "* * * * *"
OLD_JOBS_KEPT_HOURS = 7 * 24
# Each kind of work has a queue and workers of its own, with how many of its jobs they run at once:
# no number of deliveries waiting on dead endpoints delays the judgement or a re-evaluation, and a
# long re-evaluation delays neither. The default queue has the fan-out and the housekeeping.
DELIVERIES, JUDGEMENT, REEVALUATION, DEFAULT = "deliveries", "judgement", "reevaluation", "default"
LANES = {DELIVERIES: 4, JUDGEMENT: 1, REEVALUATION: 1, DEFAULT: 1}
# Each lane's worker holds a connection to listen for new jobs, and takes one to fetch a job.
QUEUE_CONNECTIONS = sum(LANES.values()) + len(LANES) + 2
RESTART_AFTER_SECONDS = 5
# How long a stopping service gives its running jobs to finish. A job still running then stays in
# progress and is taken up again as stalled (every job is idempotent): a stop never hangs on one.
STOP_WAIT_SECONDS = 10
# Workers that ran this long before stopping had the database: their stop starts a new outage.
CONNECTED_FOR_SECONDS = 60
# A process wakes the fan-out at most this often, however many commits it makes.
WAKE_INTERVAL_SECONDS = 0.2

logger = logging.getLogger(__name__)


@tasks.periodic(cron=OLD_JOBS_CRON)
@tasks.task(name="remove_old_jobs", queueing_lock="remove_old_jobs", pass_context=True)
async def remove_old_jobs(context: JobContext, timestamp: int) -> None:
    """Forget finished jobs after a week: the queue's table stays small, the delivery log keeps the story."""
    await builtin_tasks.remove_old_jobs(
        context, max_hours=OLD_JOBS_KEPT_HOURS, remove_failed=True, remove_cancelled=True, remove_aborted=True
    )


@tasks.periodic(cron=STALLED_JOBS_CRON)
@tasks.task(name="retry_stalled_jobs", queueing_lock="retry_stalled_jobs", pass_context=True)
async def retry_stalled_jobs(context: JobContext, timestamp: int) -> None:
    """Jobs of workers that stopped sending heartbeats (killed) run again; every job here is idempotent."""
    manager = context.app.job_manager
    for job in await manager.get_stalled_jobs():
        try:
            await manager.retry_job(job)
        except Exception:  # a waiting twin holds its queueing lock: that one does the work
            logger.info("stalled job %s left as it is: another one is queued", job.id)


def _not_woken(what: str, error: Exception) -> None:
    if database_unavailable(error):  # the requests meeting the outage say it, each in its line
        logger.info("could not wake %s: the database is away", what)
    else:
        logger.warning("could not wake %s", what, exc_info=error)


async def defer_dispatch(app: App, *, after_seconds: int = 0) -> None:
    """Have the fan-out run (once, however many ask before it starts)."""
    options: dict[str, Any] = {"queueing_lock": DISPATCH_LOCK}
    if after_seconds:
        options["schedule_in"] = {"seconds": after_seconds}
    with contextlib.suppress(AlreadyEnqueued):
        await app.configure_task(DISPATCH_TASK, **options).defer_async(timestamp=int(datetime.now(UTC).timestamp()))


async def defer_reevaluation(app: App) -> None:
    """Have a worker run the re-evaluation now (one waiting already will see the newest version)."""
    try:
        with contextlib.suppress(AlreadyEnqueued):
            await app.configure_task(REEVALUATION_TASK, queueing_lock=REEVALUATION_LOCK).defer_async(
                timestamp=int(datetime.now(UTC).timestamp())
            )
    except Exception as error:  # the minute's sweep takes over
        _not_woken("the re-evaluation", error)


@contextlib.asynccontextmanager
async def connected(database_url: str) -> AsyncIterator[App]:
    """The tasks' app, open on the service's database (the URL SQLAlchemy uses) while in the block."""
    conninfo = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with tasks.replace_connector(PsycopgConnector(conninfo=conninfo, min_size=1, max_size=QUEUE_CONNECTIONS)) as app:
        async with app.open_async():
            yield app


async def work(
    app: App,
    factory: async_sessionmaker[AsyncSession],
    *,
    allow_local_targets: bool,
    install_signal_handlers: bool = False,
    until: asyncio.Event | None = None,
    **options: Any,
) -> None:
    """Run jobs on an open app until cancelled or, with ``install_signal_handlers``, until SIGTERM or
    SIGINT lets the running jobs finish, or until ``until`` is set, which does the same (with
    ``wait=False``, until none is left): a worker per lane, or one on the ``queues`` given."""
    context = {"session_factory": factory, "allow_local_targets": allow_local_targets}
    lanes = {tuple(options.pop("queues")): 1} if "queues" in options else {(queue,): n for queue, n in LANES.items()}
    app.perform_import_paths()
    workers = [
        Worker(
            app=app,
            queues=list(queues),
            name=f"kam-{'-'.join(queues)}",
            concurrency=concurrency,
            additional_context=context,
            install_signal_handlers=False,
            worker_middleware=[measured],
            **options,
        )
        for queues, concurrency in lanes.items()
    ]

    async def run(worker: Worker) -> None:
        await worker.run()
        if options.get("wait", True):
            # A waiting worker stops only when told to or when it lost the database: all lanes stop
            # together, and whoever runs them starts them again.
            for other in workers:
                other.stop()

    async def stop_when_told(told: asyncio.Event) -> None:
        await told.wait()
        for worker in workers:
            worker.stop()

    told = until or asyncio.Event()
    telling = asyncio.create_task(stop_when_told(told))
    try:
        with _told_on_signals(told) if install_signal_handlers else contextlib.nullcontext():
            async with asyncio.TaskGroup() as group:
                for worker in workers:
                    group.create_task(run(worker))
    finally:
        telling.cancel()


@contextlib.contextmanager
def _told_on_signals(told: asyncio.Event) -> Iterator[None]:
    """SIGTERM and SIGINT set ``told``: every lane's worker stops gracefully (running jobs finish,
    no new one starts)."""
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signal_number, told.set)
    try:
        yield
    finally:
        for signal_number in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signal_number)


async def run_worker(
    database_url: str, factory: async_sessionmaker[AsyncSession], *, allow_local_targets: bool, **options: Any
) -> None:
    """Open the queue and run jobs until cancelled (or, with ``wait=False``, until none is left)."""
    async with connected(database_url) as app:
        await work(app, factory, allow_local_targets=allow_local_targets, **options)


class BackgroundJobs:
    """A service process's part in the job queue, beside the API: it wakes the webhook fan-out after
    its commits and, unless jobs run elsewhere, runs jobs. With the database away it tries again,
    and the API keeps answering meanwhile."""

    def __init__(
        self,
        database_url: str,
        *,
        run_jobs: bool,
        allow_local_targets: bool,
    ) -> None:
        self.database_url = database_url
        self.run_jobs = run_jobs
        self.allow_local_targets = allow_local_targets
        self.app: App | None = None
        self.stopping = asyncio.Event()
        self.running: asyncio.Task[None] | None = None
        self.wake_wanted = False
        self.waking: asyncio.Task[None] | None = None
        self.deferring: set[asyncio.Task[None]] = set()

    def start(self, factory: async_sessionmaker[AsyncSession]) -> None:
        self.running = asyncio.create_task(self.keep_running(factory))

    async def keep_running(self, factory: async_sessionmaker[AsyncSession]) -> None:
        """Stay connected (and run jobs on sessions of ``factory``) until cancelled or stopping. Losing
        the database is said once, in one warning line, however long it stays away; anything else
        with its traceback."""
        said_away = False
        while not self.stopping.is_set():
            started = time.monotonic()
            try:
                async with connected(self.database_url) as app:
                    self.app = app
                    try:
                        if self.run_jobs:
                            await work(
                                app,
                                factory,
                                allow_local_targets=self.allow_local_targets,
                                until=self.stopping,
                                shutdown_graceful_timeout=STOP_WAIT_SECONDS,
                            )
                        else:
                            await self.stopping.wait()
                    finally:
                        self.app = None
                if self.stopping.is_set():
                    return
                if time.monotonic() - started > CONNECTED_FOR_SECONDS:
                    said_away = False  # they were working: this is a new outage, said again
                if not said_away:  # the workers stopped by themselves: they lost the database
                    logger.warning("the job queue lost the database; trying again every %s s", RESTART_AFTER_SECONDS)
                    said_away = True
            except Exception as error:
                if not database_unavailable(error):
                    logger.exception("the job queue stopped; starting it again in %s s", RESTART_AFTER_SECONDS)
                elif not said_away:
                    logger.warning(
                        "the job queue cannot reach the database; trying again every %s s", RESTART_AFTER_SECONDS
                    )
                    said_away = True
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stopping.wait(), RESTART_AFTER_SECONDS)

    def after_commit(self, session: AsyncSession) -> None:
        """A request's commit gave webhooks work: have the fan-out run in moments, not at the minute;
        or queued a re-evaluation: have a worker start it now."""
        if session.info.pop(WAKE_REEVALUATION, False) and self.app is not None:
            deferring = asyncio.get_running_loop().create_task(defer_reevaluation(self.app))
            self.deferring.add(deferring)
            deferring.add_done_callback(self.deferring.discard)
        if session.info.pop(WAKE_WEBHOOKS, False):
            self.wake_wanted = True
            if self.waking is None or self.waking.done():
                self.waking = asyncio.get_running_loop().create_task(self._wake())

    async def _wake(self) -> None:
        # One deferral at a time per process, however many commits ask for it meanwhile.
        while self.wake_wanted:
            self.wake_wanted = False
            if self.app is not None:
                try:
                    await defer_dispatch(self.app)
                except Exception as error:  # the minute's run takes over
                    _not_woken("the webhook senders", error)
            await asyncio.sleep(WAKE_INTERVAL_SECONDS)

    async def close(self) -> None:
        """Stop as a worker stops on SIGTERM, running jobs given ``STOP_WAIT_SECONDS`` to finish, and
        not a moment longer: a stop is not left to cancellation alone, which the job queue's library
        may be waiting out (a connection to return, a worker to unregister)."""
        self.stopping.set()
        if self.running is not None:
            if self.app is None:  # not connected (the database away): no job to let finish
                self.running.cancel()
            done, _ = await asyncio.wait({self.running}, timeout=STOP_WAIT_SECONDS + RESTART_AFTER_SECONDS)
            if not done:
                logger.warning("the job queue did not stop in time; its running jobs will be taken up again")
                self.running.cancel()
                await asyncio.wait({self.running}, timeout=RESTART_AFTER_SECONDS)
        if self.waking is not None:
            self.waking.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.waking
