"""The job queue as a worker meets it: a real database, jobs deferred, taken and run."""

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest
from procrastinate.exceptions import AlreadyEnqueued
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from app import unit_of_work
from app.accounts.schemas import AccountCreate
from app.accounts.service import AccountService
from app.auth.policy import SYSTEM
from app.db import create_engine
from app.events.clock import judge_accounts, judge_all
from app.jobs import queue
from app.jobs.queue import LANES, connected, run_worker
from app.jobs.repository import REEVALUATION, JobRepository
from app.models import Account, Event, Job
from app.plumbing.transactions import transaction
from app.rules.document import DEFAULT_RULES, RulesDocument
from app.rules_versions.repository import RulesRepository
from tests.conftest import fresh_database
from tests.running_service import PROJECT_ROOT, Service

pytestmark = pytest.mark.slow


def test_the_periodic_judgement_runs_on_the_queue_once_per_tick():
    with fresh_database("kam_jobs") as url:
        asyncio.run(_judgement_on_the_queue(url))


async def _judgement_on_the_queue(url: str) -> None:
    engine = create_engine(url, pool_size=2)
    factory = unit_of_work.session_factory(engine)
    try:
        async with transaction(factory) as session:
            session.add(Account(name="Quiet", status="active", scores={}))
        now = datetime.now(UTC)
        await judge_all(factory, now)  # judged a first time: its view is kept, nothing told
        later = int((now + timedelta(days=100)).timestamp())
        async with connected(url) as app:
            # The same tick deferred twice (two workers' schedulers) is one job: a queueing lock.
            # On a queue of its own: the worker's own scheduler also defers the real current tick (on the
            # default queue), whose judgement, 100 days back in time, is not this test's.
            for _ in range(2):
                deferrer = app.configure_task(judge_accounts.name, queueing_lock="judge_accounts", queue="tick")
                with contextlib.suppress(AlreadyEnqueued):
                    await deferrer.defer_async(timestamp=later)
        await run_worker(url, factory, allow_local_targets=False, wait=False, queues=["tick"])
        async with factory() as session:
            counted = select(Event.type, func.count()).group_by(Event.type)
            told = {event_type: count for event_type, count in (await session.execute(counted)).all()}
        # 100 days on: the review fell due and overdue, and the onboarding grace ended (amber).
        # (The account's creation is told by the unit of work of the session that wrote it.)
        assert told == {
            "account.created": 1,
            "account.health_changed": 1,
            "account.review_due": 1,
            "account.review_overdue": 1,
        }
    finally:
        await engine.dispose()


def test_kam_serve_runs_a_job_worker_in_each_process_unless_told_not_to(tmp_path):
    with fresh_database("kam_serve_jobs") as url:
        service = Service(tmp_path, database_url=url, workers="2")
        try:
            service.wait_ready()
            # One worker per lane in each process.
            assert asyncio.run(_job_workers_once_registered(url, 2 * len(LANES))) == 2 * len(LANES)
        finally:
            service.stop(signal.SIGTERM)
        # Stopped with the service: its workers unregistered.
        assert asyncio.run(_job_workers_once_registered(url, 0)) == 0
        quiet = Service(tmp_path, database_url=url, run_jobs="false")
        try:
            quiet.wait_ready()
            time.sleep(1)
            assert asyncio.run(_job_workers_once_registered(url, 0, wait=0)) == 0
        finally:
            quiet.stop(signal.SIGTERM)


async def _job_workers_once_registered(url: str, expected: int, wait: float = 15) -> int:
    connection = await asyncpg.connect(make_url(url).set(drivername="postgresql").render_as_string(False))
    try:
        deadline = time.monotonic() + wait
        while True:
            count = await connection.fetchval("SELECT count(*) FROM procrastinate_workers")
            if count == expected or time.monotonic() > deadline:
                return count
            await asyncio.sleep(0.3)
    finally:
        await connection.close()


async def _keep_running_after(monkeypatch, first_failure: Exception) -> tuple[list[str], queue.BackgroundJobs]:
    """Runs the job queue beside the API once its first start failed with ``first_failure``, until it
    started again; answers the starts and the stopped queue."""
    starts = []

    @contextlib.asynccontextmanager
    async def connected_once_failing(url):
        starts.append(url)
        if len(starts) == 1:
            raise first_failure
        yield queue.tasks

    async def work_until_stopped(app, factory, *, allow_local_targets, until, **options):
        await until.wait()

    monkeypatch.setattr(queue, "connected", connected_once_failing)
    monkeypatch.setattr(queue, "work", work_until_stopped)
    monkeypatch.setattr(queue, "RESTART_AFTER_SECONDS", 0)
    jobs = queue.BackgroundJobs("postgresql+asyncpg://nowhere/db", run_jobs=True, allow_local_targets=False)
    worker = asyncio.create_task(jobs.keep_running(None))
    for _ in range(50):
        if len(starts) == 2:
            break
        await asyncio.sleep(0.01)
    assert jobs.app is queue.tasks  # open again: commits can wake the webhook senders
    worker.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await worker
    return starts, jobs


async def test_a_worker_that_stops_is_started_again(monkeypatch, caplog):
    """The database away at start (or lost) stops the worker beside the API; it is started again."""
    starts, jobs = await _keep_running_after(monkeypatch, OSError("connection refused"))
    assert len(starts) == 2 and jobs.app is None
    # The database away is one warning line, without a traceback.
    [said] = [record for record in caplog.records if record.name == "app.jobs.queue"]
    assert (said.levelname, said.exc_info) == ("WARNING", None)
    assert "cannot reach the database" in said.getMessage()


async def test_a_job_queue_stopped_by_anything_else_logs_its_traceback(monkeypatch, caplog):
    await _keep_running_after(monkeypatch, RuntimeError("a bug"))
    [said] = [record for record in caplog.records if record.name == "app.jobs.queue"]
    assert said.levelname == "ERROR" and said.exc_info is not None
    assert "the job queue stopped" in said.getMessage()


async def _closed_within(monkeypatch, work, seconds: float) -> queue.BackgroundJobs:
    opened = asyncio.Event()

    @contextlib.asynccontextmanager
    async def connected(url):
        opened.set()
        yield queue.tasks

    monkeypatch.setattr(queue, "connected", connected)
    monkeypatch.setattr(queue, "work", work)
    jobs = queue.BackgroundJobs("postgresql+asyncpg://nowhere/db", run_jobs=True, allow_local_targets=False)
    jobs.start(None)
    await asyncio.wait_for(opened.wait(), timeout=seconds)
    await asyncio.wait_for(jobs.close(), timeout=seconds)
    assert jobs.running is not None and jobs.running.done()
    return jobs


async def test_a_stopping_service_stops_its_workers_as_sigterm_does(monkeypatch):
    """The service's stop tells the workers to stop (running jobs finish, no new one starts), and
    does not start them again."""
    told = []

    async def work(app, factory, *, allow_local_targets, until, **options):
        await until.wait()
        told.append(options["shutdown_graceful_timeout"])

    await _closed_within(monkeypatch, work, seconds=1)
    assert told == [queue.STOP_WAIT_SECONDS]


async def test_a_stop_is_not_held_by_workers_that_do_not_stop(monkeypatch, caplog):
    """Workers still busy after the wait (a job on, a connection awaited) are cut, and said so: the
    service's stop does not hang on them."""
    monkeypatch.setattr(queue, "STOP_WAIT_SECONDS", 0.1)
    monkeypatch.setattr(queue, "RESTART_AFTER_SECONDS", 0.1)

    async def deaf(app, factory, *, allow_local_targets, until, **options):
        await asyncio.Event().wait()

    await _closed_within(monkeypatch, deaf, seconds=2)
    assert any("did not stop in time" in record.getMessage() for record in caplog.records)


async def test_a_job_queue_that_never_connected_stops_at_once(monkeypatch):
    """With the database away there is no job to let finish: the service's stop does not wait."""
    monkeypatch.setattr(queue, "STOP_WAIT_SECONDS", 30)

    @contextlib.asynccontextmanager
    async def unreachable(url):
        await asyncio.Event().wait()  # as the pool waits for a first connection
        yield queue.tasks

    monkeypatch.setattr(queue, "connected", unreachable)
    jobs = queue.BackgroundJobs("postgresql+asyncpg://nowhere/db", run_jobs=True, allow_local_targets=False)
    jobs.start(None)
    await asyncio.sleep(0)
    await asyncio.wait_for(jobs.close(), timeout=2)
    assert jobs.running is not None and jobs.running.done()


def test_a_job_left_doing_by_a_dead_worker_runs_again():
    with fresh_database("kam_stalled") as url:
        asyncio.run(_stalled_job_runs_again(url))


async def _stalled_job_runs_again(url: str) -> None:
    engine = create_engine(url, pool_size=2)
    factory = unit_of_work.session_factory(engine)
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        async with connected(url) as app:
            # On a queue and a queueing lock of its own: the periodic judgement the worker's scheduler
            # defers meanwhile must not hold the lock the retried job needs.
            stalled = app.configure_task(judge_accounts.name, queue="tick", queueing_lock="stalled")
            job_id = await stalled.defer_async(timestamp=int(time.time()))
        connection = await asyncpg.connect(dsn)
        try:  # taken by a worker that was then killed: its heartbeat stopped an hour ago
            dead = await connection.fetchval(
                "INSERT INTO procrastinate_workers (last_heartbeat) VALUES (now() - interval '1 hour') RETURNING id"
            )
            await connection.execute(
                "UPDATE procrastinate_jobs SET status = 'doing', worker_id = $1 WHERE id = $2", dead, job_id
            )
            async with connected(url) as app:
                await app.configure_task(queue.retry_stalled_jobs.name).defer_async(timestamp=int(time.time()))
            for _ in range(3):  # the retry makes the job due again; a worker run takes it
                await run_worker(url, factory, allow_local_targets=False, wait=False, queues=["default", "tick"])
            status = await connection.fetchval("SELECT status FROM procrastinate_jobs WHERE id = $1", job_id)
        finally:
            await connection.close()
        assert status == "succeeded"
    finally:
        await engine.dispose()


def _kam_worker(url: str) -> subprocess.Popen[bytes]:
    """``kam worker`` on the database at ``url``, as a deployment runs it."""
    return subprocess.Popen(
        [sys.executable, "-m", "app.cli", "worker"],
        cwd=PROJECT_ROOT,
        env={**os.environ, "KAM_DATABASE_URL": url},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_kam_worker_runs_a_worker_per_lane_and_stops_on_sigterm():
    with fresh_database("kam_worker_lanes") as url:
        worker = _kam_worker(url)
        try:
            assert asyncio.run(_job_workers_once_registered(url, len(LANES))) == len(LANES)
            worker.send_signal(signal.SIGTERM)
            assert worker.wait(timeout=30) == 0
        finally:
            if worker.poll() is None:
                worker.kill()
        assert asyncio.run(_job_workers_once_registered(url, 0)) == 0


def test_a_write_in_a_job_of_kam_worker_is_audited_and_told_as_a_request_would():
    """``kam worker`` makes its sessions with the unit of work: the re-evaluation, which changes tiers
    through the code a single write uses, records the audit entry and the events of what it changed."""
    with fresh_database("kam_worker_writes") as url:
        account_id = asyncio.run(_account_and_lower_thresholds(url))
        worker = _kam_worker(url)
        try:
            entries, events = asyncio.run(_once_reevaluated(url, account_id))
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=30)
        assert ("create", "tier_change") in entries
        assert ("update", "account") in entries
        assert "account.tier_changed" in events


async def _account_and_lower_thresholds(url: str) -> uuid.UUID:
    """A mid account (score 60), then rules whose key threshold is 60, with the job that applies them."""
    engine = create_engine(url, pool_size=1)
    try:
        async with transaction(unit_of_work.session_factory(engine)) as session:
            account = await AccountService(session, DEFAULT_RULES, datetime.now(UTC), SYSTEM).create(
                AccountCreate(name="Initech", scores={criterion.key: 6 for criterion in DEFAULT_RULES.criteria})
            )
            assert account.tier == "mid"
            document = DEFAULT_RULES.model_dump(exclude={"version"})
            document["tier_thresholds"]["key"] = 60
            rules = await RulesRepository(session).add(2, RulesDocument.model_validate(document))
            await JobRepository(session).add(Job(kind=REEVALUATION, rules_version=rules.version))
        return account.id
    finally:
        await engine.dispose()


async def _once_reevaluated(url: str, account_id: uuid.UUID) -> tuple[set[tuple[str, str]], set[str]]:
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(dsn)
    try:
        deadline = time.monotonic() + 60
        while await connection.fetchval("SELECT finished_at IS NULL FROM jobs WHERE kind = $1", REEVALUATION):
            assert time.monotonic() < deadline, "the worker did not run the re-evaluation"
            await asyncio.sleep(0.3)
        # After the transaction that created the account and queued the job.
        since = "account_id = $1 AND occurred_at > (SELECT created_at FROM jobs WHERE kind = $2)"
        entries = await connection.fetch(
            f"SELECT action, entity_type FROM audit_entries WHERE {since}", account_id, REEVALUATION
        )
        events = await connection.fetch(f"SELECT type FROM events WHERE {since}", account_id, REEVALUATION)
    finally:
        await connection.close()
    return {(row["action"], row["entity_type"]) for row in entries}, {row["type"] for row in events}
