"""Webhook deliveries as a receiver meets them: signed, in the feed's order per account, retried,
never sent twice at once, and sent again after a worker is killed mid-delivery."""

import asyncio
import contextlib
import os
import signal
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from httpx import ASGITransport, AsyncClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import delete, text, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app import unit_of_work
from app.db import create_engine
from app.jobs.queue import connected, defer_dispatch, defer_reevaluation, work
from app.main import create_app
from app.models import WebhookSubscription
from app.plumbing.transactions import transaction
from app.settings import Settings
from app.webhooks import delivery
from app.webhooks.delivery import ATTEMPTS, deliver_stream
from app.webhooks.dispatch import dispatch
from tests.conftest import TestUser, fresh_database, make_user
from tests.factories import create_account
from tests.running_service import AS_ADMIN, PROJECT_ROOT, Service
from tests.webhooks.receiver import Receiver, receiving

pytestmark = pytest.mark.slow


@dataclass
class World:
    url: str
    engine: AsyncEngine
    factory: async_sessionmaker[AsyncSession]
    admin: AsyncClient

    async def subscribe(self, receiver: Receiver, **fields) -> dict:
        response = await self.admin.post("/v1/webhooks", json={"url": receiver.url, **fields})
        assert response.status_code == 201, response.text
        receiver.secrets.append(response.json()["secret"])
        return response.json()

    async def deliveries(self, webhook: dict) -> list[dict]:
        """The delivery log, oldest first."""
        response = await self.admin.get(f"/v1/webhooks/{webhook['id']}/deliveries", params={"limit": 200})
        assert response.status_code == 200, response.text
        return list(reversed(response.json()["items"]))

    async def feed(self, **params) -> list[dict]:
        response = await self.admin.get("/v1/events", params={"limit": 200, **params})
        return response.json()["items"]

    async def deliver_now(self, *, allow_local: bool = True, dispatching: bool = True) -> None:
        """Run the jobs due now, as a worker would: the fan-out (as a commit or the minute wakes it),
        and the senders it hands streams to."""
        async with connected(self.url) as app:
            if dispatching:
                await defer_dispatch(app)
            # A worker told not to wait stops when it finds no job, though one it runs may defer more
            # (the fan-out runs again a second later while events are unsettled).
            deadline = time.monotonic() + 30
            while await self.jobs_due_within(seconds=2):
                assert time.monotonic() < deadline, "jobs kept coming for 30 s"
                await work(app, self.factory, allow_local_targets=allow_local, wait=False)
                await asyncio.sleep(0.2)

    async def jobs_due_within(self, seconds: float) -> int:
        async with self.factory() as session:
            due = (
                "SELECT count(*) FROM procrastinate_jobs WHERE status = 'todo'"
                " AND coalesce(scheduled_at, now()) <= now() + make_interval(secs => :seconds)"
            )
            return (await session.execute(text(due), {"seconds": seconds})).scalar_one()


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    """One database for these tests, whose commits are real: the jobs run on other connections."""
    with fresh_database("kam_webhooks") as url:
        yield url


@pytest.fixture
async def world(database: str) -> AsyncIterator[World]:
    engine = create_engine(database, pool_size=4)
    factory = unit_of_work.session_factory(engine)
    app = create_app(Settings(database_url=database, webhooks_allow_local_targets=True))
    app.state.engine, app.state.session_factory = engine, factory
    admin: TestUser = await make_user(factory, "admin", f"webhook-admin-{uuid.uuid4().hex[:8]}")
    transport = ASGITransport(app=app, raise_app_exceptions=False)
    async with AsyncClient(transport=transport, base_url="http://test", headers=admin.headers) as client:
        try:
            yield World(database, engine, factory, client)
        finally:
            async with transaction(factory) as session:  # the next test starts with no webhook
                await session.execute(delete(WebhookSubscription))
            await engine.dispose()


async def test_each_event_goes_out_signed_once_in_the_feeds_order_per_account(world):
    await create_account(world.admin, name="Before the subscription")
    with receiving() as receiver:
        webhook = await world.subscribe(receiver)
        first = await create_account(world.admin, name="Initech")
        second = await create_account(world.admin, name="Globex")
        await world.admin.patch(f"/v1/accounts/{first['id']}", json={"notes": "met the CFO"})
        await world.admin.post("/v1/contacts", json={"account_id": second["id"], "first_name": "A", "last_name": "B"})
        await world.deliver_now()

    assert receiver.received and all(each.verified for each in receiver.received)
    assert all(each.webhook_id == each.event["id"] for each in receiver.received)
    for account in (first, second):
        told = [each.event for each in receiver.received if each.event["account_id"] == account["id"]]
        assert told == await world.feed(account_id=account["id"])  # the feed's events, in its order
    assert "Before the subscription" not in str([each.event for each in receiver.received])
    log = await world.deliveries(webhook)
    assert [entry["event_id"] for entry in log] == [
        event["id"] for event in await world.feed() if event["account_id"] in (first["id"], second["id"])
    ]
    assert {(entry["status"], entry["attempts"], entry["last_response_code"]) for entry in log} == {
        ("succeeded", 1, 200)
    }


async def test_an_endpoint_answering_500_gets_the_event_again_and_the_accounts_later_events_wait(world):
    with receiving() as receiver:
        webhook = await world.subscribe(receiver, event_types=["account.created", "account.updated"])
        account = await create_account(world.admin, name="Initech")
        await world.admin.patch(f"/v1/accounts/{account['id']}", json={"notes": "met the CFO"})
        receiver.statuses = [500]
        await world.deliver_now()
        assert receiver.types() == ["account.created"]
        failed, waiting = await world.deliveries(webhook)
        assert (failed["status"], failed["attempts"], failed["last_response_code"]) == ("pending", 1, 500)
        assert failed["last_error"] == "the endpoint answered HTTP 500"
        retry_in = datetime.fromisoformat(failed["next_attempt_at"]) - datetime.fromisoformat(failed["last_attempt_at"])
        assert delivery.RETRY_DELAYS[0] <= retry_in < delivery.RETRY_DELAYS[0] + timedelta(seconds=2)
        assert (waiting["status"], waiting["attempts"]) == ("pending", 0)

        due_in = datetime.fromisoformat(failed["next_attempt_at"]) - datetime.now(UTC)
        await asyncio.sleep(max(0.0, due_in.total_seconds()) + 0.5)
        await world.deliver_now(dispatching=False)  # the retry the failed attempt scheduled

    assert receiver.types() == ["account.created", "account.created", "account.updated"]
    assert receiver.received[0].webhook_id == receiver.received[1].webhook_id
    assert all(each.verified for each in receiver.received)
    assert [(entry["status"], entry["attempts"]) for entry in await world.deliveries(webhook)] == [
        ("succeeded", 2),
        ("succeeded", 1),
    ]


async def test_the_wait_before_a_retry_counts_from_the_end_of_an_attempt_that_timed_out(world, monkeypatch):
    monkeypatch.setattr(delivery, "TIMEOUT_SECONDS", 1.0)
    with receiving() as receiver:
        webhook = await world.subscribe(receiver, event_types=["account.created"])
        await create_account(world.admin, name="Slowpoke")
        receiver.delays = [2.0]
        await world.deliver_now()
        [timed_out] = await world.deliveries(webhook)
    assert (timed_out["status"], timed_out["attempts"], timed_out["last_response_code"]) == ("pending", 1, None)
    assert timed_out["last_error"] == "no answer within 1 s"
    started = datetime.fromisoformat(timed_out["last_attempt_at"])
    # The attempt lasted the 1 s timeout; the 5 s wait starts when it ended.
    assert (
        datetime.fromisoformat(timed_out["next_attempt_at"])
        >= started + timedelta(seconds=1) + delivery.RETRY_DELAYS[0]
    )


async def test_a_day_of_failures_disables_the_webhook_and_enabling_it_resumes_where_it_stopped(world):
    with receiving() as receiver:
        webhook = await world.subscribe(receiver, event_types=["account.created"])
        await create_account(world.admin, name="Initech")
        async with world.factory() as session, session.begin():
            await session.execute(
                update(WebhookSubscription)
                .where(WebhookSubscription.id == uuid.UUID(webhook["id"]))
                .values(failing_since=datetime.now(UTC) - timedelta(hours=25))
            )
        receiver.statuses = [503]
        await world.deliver_now()
        read = (await world.admin.get(f"/v1/webhooks/{webhook['id']}")).json()
        assert (read["enabled"], read["disabled_reason"]) == (False, "every delivery failed for a day")
        await create_account(world.admin, name="Globex")
        await world.deliver_now()
        assert receiver.types() == ["account.created"]  # the one attempt that failed; nothing since

        resumed = await world.admin.patch(f"/v1/webhooks/{webhook['id']}", json={"enabled": True})
        assert (resumed.json()["enabled"], resumed.json()["disabled_reason"], resumed.json()["failing_since"]) == (
            True,
            None,
            None,
        )
        await world.deliver_now()
    names = [each.event["data"]["name"] for each in receiver.received]
    # Nothing lost while it was disabled; two accounts are two streams, each in its own order.
    assert names[0] == "Initech" and sorted(names[1:]) == ["Globex", "Initech"]


async def test_a_delivery_given_up_lets_the_account_go_on_and_a_retry_by_hand_sends_it_again(world):
    with receiving() as receiver:
        webhook = await world.subscribe(receiver, event_types=["account.created", "account.updated"])
        account = await create_account(world.admin, name="Initech")
        await world.admin.patch(f"/v1/accounts/{account['id']}", json={"notes": "met the CFO"})
        receiver.statuses = [500]
        await world.deliver_now()
        async with world.factory() as session, session.begin():  # the schedule's last attempt is due
            await session.execute(
                text(
                    "UPDATE webhook_deliveries SET attempts = :attempts, next_attempt_at = now() "
                    "WHERE status = 'pending' AND attempts > 0"
                ),
                {"attempts": ATTEMPTS - 1},
            )
        receiver.statuses = [500]
        await world.deliver_now()
        given_up, after = await world.deliveries(webhook)
        assert (given_up["status"], given_up["attempts"], given_up["next_attempt_at"]) == ("failed", ATTEMPTS, None)
        assert after["status"] == "succeeded"
        assert receiver.types() == ["account.created", "account.created", "account.updated"]

        retried = await world.admin.post(f"/v1/webhooks/{webhook['id']}/deliveries/{given_up['id']}/retry")
        assert retried.status_code == 202, retried.text
        assert (retried.json()["status"], retried.json()["attempts"]) == ("pending", 0)
        await world.deliver_now()
    assert receiver.types()[-1] == "account.created"
    assert receiver.received[-1].webhook_id == given_up["event_id"]
    assert (await world.deliveries(webhook))[0]["status"] == "succeeded"


async def test_two_senders_of_one_account_never_send_a_delivery_twice_or_two_at_once(world):
    with receiving() as receiver:
        webhook = await world.subscribe(receiver)
        account = await create_account(world.admin, name="Initech")
        for note in ("one", "two", "three"):
            await world.admin.patch(f"/v1/accounts/{account['id']}", json={"notes": note})
        await dispatch(world.factory)
        receiver.delays = [0.2] * 20
        senders = [
            deliver_stream(world.factory, uuid.UUID(webhook["id"]), uuid.UUID(account["id"]), allow_local=True)
            for _ in range(3)
        ]
        await asyncio.gather(*senders)
        await world.deliver_now()  # whatever a sender left when another held the stream
    ids = [each.webhook_id for each in receiver.received]
    assert len(ids) == len(set(ids)) == len(await world.feed(account_id=account["id"]))
    assert receiver.most_at_once == 1


async def test_a_worker_killed_mid_delivery_leaves_it_to_be_sent_again(world, tmp_path):
    with receiving() as receiver:
        webhook = await world.subscribe(receiver, event_types=["account.created"])
        await create_account(world.admin, name="Initech")
        receiver.delays = [120]  # the first attempt hangs: the worker is killed while it waits
        async with connected(world.url) as app:
            await defer_dispatch(app)
        worker = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "app.cli",
            "worker",
            cwd=PROJECT_ROOT,
            env={**os.environ, "KAM_DATABASE_URL": world.url, "KAM_WEBHOOKS_ALLOW_LOCAL_TARGETS": "true"},
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        try:
            assert await asyncio.to_thread(receiver.arrived.wait, 60), "the worker never delivered"
        finally:
            worker.send_signal(signal.SIGKILL)
            await worker.wait()
        [sending] = await world.deliveries(webhook)
        assert (sending["status"], sending["attempts"]) == ("pending", 0)  # the attempt never committed

        deadline = time.monotonic() + 30
        while len(receiver.received) < 2 and time.monotonic() < deadline:
            await world.deliver_now()  # the minute's run, on a worker still alive
    assert [each.webhook_id for each in receiver.received] == [sending["event_id"]] * 2
    assert all(each.verified for each in receiver.received)
    [sent] = await world.deliveries(webhook)
    assert (sent["status"], sent["attempts"]) == ("succeeded", 1)


async def test_an_event_committed_after_a_later_one_still_goes_out_first(world):
    with receiving() as receiver:
        webhook = await world.subscribe(receiver, event_types=["account.created", "account.updated"])
        account = await create_account(world.admin, name="Initech")
        slow = await world.engine.connect()
        late = await slow.begin()
        await slow.execute(
            text(
                "INSERT INTO events (id, type, account_id, entity_type, entity_id, data) VALUES "
                "(gen_random_uuid(), 'account.updated', :account, 'account', 'late', '{}')"
            ),
            {"account": account["id"]},
        )
        # Commits while the transaction before it is still open: not delivered until that one ends.
        await world.admin.patch(f"/v1/accounts/{account['id']}", json={"notes": "met the CFO"})
        dispatched = await dispatch(world.factory)
        assert dispatched.unsettled and dispatched.due == [(uuid.UUID(webhook["id"]), uuid.UUID(account["id"]))]
        await deliver_stream(world.factory, *dispatched.due[0], allow_local=True)
        assert receiver.types() == ["account.created"]
        await late.commit()
        await slow.close()
        await world.deliver_now()
    assert [each.event["entity_id"] for each in receiver.received] == [account["id"], "late", account["id"]]
    assert len(await world.deliveries(webhook)) == 3


async def test_a_url_reaching_this_host_is_refused_at_delivery_too(world):
    with receiving() as receiver:
        webhook = await world.subscribe(receiver, event_types=["account.created"])
        await create_account(world.admin, name="Initech")
        await world.deliver_now(allow_local=False)
    assert receiver.received == []
    [refused] = await world.deliveries(webhook)
    assert refused["status"] == "pending" and "own host" in refused["last_error"]
    assert refused["last_response_code"] is None


async def test_during_a_rotation_each_delivery_is_signed_with_both_secrets(world):
    with receiving() as receiver:
        webhook = await world.subscribe(receiver, event_types=["account.created"])
        old_secret = receiver.secrets.pop()
        rotated = (await world.admin.post(f"/v1/webhooks/{webhook['id']}/rotate-secret")).json()
        await create_account(world.admin, name="Initech")
        await world.deliver_now()
    [received] = receiver.received
    assert len(received.headers["webhook-signature"].split(" ")) == 2
    for secret in (old_secret, rotated["secret"]):
        assert Receiver(secrets=[secret]).verify(received.body, received.headers), "either secret verifies"


def test_kam_serve_sends_a_write_s_events_within_moments(tmp_path):
    with fresh_database("kam_serve_webhooks") as url, receiving() as receiver:
        service = Service(tmp_path, database_url=url, webhooks_allow_local_targets="true")
        try:
            service.wait_ready()
            admin = httpx.Client(base_url=service.url, headers=AS_ADMIN)
            created = admin.post("/v1/webhooks", json={"url": receiver.url, "event_types": ["account.created"]})
            assert created.status_code == 201, created.text
            receiver.secrets.append(created.json()["secret"])
            assert admin.post("/v1/accounts", json={"name": "Initech"}).status_code == 201
            deadline = time.monotonic() + 15
            while not receiver.received and time.monotonic() < deadline:
                time.sleep(0.1)
        finally:
            service.stop(signal.SIGTERM)
    assert [(each.event["data"]["name"], each.verified) for each in receiver.received] == [("Initech", True)]


async def stream_jobs(world, webhook: dict, status: str = "todo") -> int:
    """The delivery jobs of this webhook's streams in ``status`` (other tests' jobs left aside: a worker
    killed on purpose leaves one doing for good)."""
    async with world.factory() as session:
        jobs = (
            "SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'deliver_webhooks' AND status = :status"
            " AND args->>'subscription_id' = :webhook"
        )
        return (await session.execute(text(jobs), {"status": status, "webhook": webhook["id"]})).scalar_one()


async def test_a_dead_endpoint_holds_at_most_one_waiting_job_per_stream(world):
    with receiving() as receiver:
        webhook = await world.subscribe(receiver, event_types=["account.created", "account.updated"])
        account = await create_account(world.admin, name="Initech")
        receiver.statuses = [500] * 50
        await world.deliver_now()  # the first attempt fails: its retry is due in 5 s
        for round_ in range(2):
            await world.admin.patch(f"/v1/accounts/{account['id']}", json={"notes": f"round {round_}"})
            await world.deliver_now()
            assert await stream_jobs(world, webhook) == 1
        await asyncio.sleep(delivery.RETRY_DELAYS[0].total_seconds() + 0.5)
        await world.deliver_now()  # the retry, failing again, and the fan-out finding the stream due
        assert await stream_jobs(world, webhook) == 1
        assert [each.event["type"] for each in receiver.received] == ["account.created"] * 2  # the rest wait, in order
    # Every job of a stream holds the stream's queueing lock: a second one for it is never queued.
    async with world.factory() as session:
        unlocked = (
            "SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'deliver_webhooks' AND queueing_lock IS NULL"
            " AND args->>'subscription_id' = :webhook"
        )
        assert (await session.execute(text(unlocked), {"webhook": webhook["id"]})).scalar_one() == 0


async def test_no_number_of_failing_deliveries_delays_a_rules_reevaluation(world, monkeypatch):
    monkeypatch.setattr(delivery, "TIMEOUT_SECONDS", 2.0)
    with receiving() as receiver:
        webhook = await world.subscribe(receiver, event_types=["account.created"])
        for index in range(40):  # streams, each waiting on an endpoint that never answers in time
            await create_account(world.admin, name=f"Stream {index}")
        receiver.delays = [3.0] * 100
        rules = (await world.admin.get("/v1/rules")).json()
        rules.pop("version")
        rules["tier_thresholds"]["mid"] = rules["tier_thresholds"]["mid"] - 1
        async with connected(world.url) as app:
            await defer_dispatch(app)
            worker = asyncio.create_task(work(app, world.factory, allow_local_targets=True))
            try:
                for _ in range(600):  # until the deliveries' lane is full, with more waiting
                    if await stream_jobs(world, webhook, "doing") == 4 and await stream_jobs(world, webhook) >= 4:
                        break
                    await asyncio.sleep(0.1)
                else:
                    pytest.fail("the deliveries never filled their lane")
                started = time.monotonic()
                job = (await world.admin.put("/v1/rules", json=rules)).json()
                await defer_reevaluation(app)
                while (await world.admin.get(f"/v1/jobs/{job['id']}")).json()["status"] != "succeeded":
                    # Behind the deliveries it would wait for 36 of them, 2 s each, four at a time: 18 s.
                    assert time.monotonic() - started < 8, "the re-evaluation waited behind the deliveries"
                    await asyncio.sleep(0.1)
            finally:
                worker.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await worker


def scraped(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def test_metrics_scraped_while_deliveries_fail_tell_the_failures_and_the_wait(world, monkeypatch):
    # The retry waits an hour, however slow the machine: the scrape meets the delivery still pending.
    monkeypatch.setattr(delivery, "RETRY_DELAYS", (timedelta(hours=1),) * len(delivery.RETRY_DELAYS))
    attempt = ("kam_webhook_delivery_attempts_total", (("outcome", "retrying"),))
    job = (
        "kam_job_duration_seconds_count",
        (("outcome", "succeeded"), ("queue", "deliveries"), ("task", "deliver_webhooks")),
    )
    before = scraped((await world.admin.get("/metrics")).text)
    with receiving() as receiver:
        await world.subscribe(receiver, event_types=["account.created"])
        await create_account(world.admin, name="Initech")
        receiver.statuses = [500]
        await world.deliver_now()
    after = scraped((await world.admin.get("/metrics")).text)

    assert after[attempt] == before.get(attempt, 0) + 1
    # The delivery job ran to its end: it is the delivery that failed, and waits for its retry.
    assert after[job] >= before.get(job, 0) + 1
    assert after[("kam_database_figures_up", ())] == 1
    assert after[("kam_webhook_deliveries_pending", ())] >= 1
    assert after[("kam_webhook_oldest_pending_delivery_age_seconds", ())] > 0
    assert ("kam_jobs", (("queue", "deliveries"), ("state", "waiting"))) in after
    assert after[("kam_events_feed_lag_seconds", ())] == 0
