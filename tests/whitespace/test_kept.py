"""The whitespace figures as the database computes them: what peers buy (the same figures as the
pure rule's on the same peers) and each offering's penetration; a large portfolio's kept between
the clock's refreshes."""

import asyncio
import contextlib
import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from procrastinate.exceptions import AlreadyEnqueued
from sqlalchemy import func, select, text

from app import unit_of_work
from app.db import create_engine
from app.jobs.queue import connected, run_worker
from app.models import Account, PeerBenchmark
from app.plumbing.transactions import transaction
from app.rules.whitespace import Peer, figures
from app.whitespace import kept
from app.whitespace.kept import peer_book, refresh, refresh_whitespace_figures
from tests.conftest import fresh_database
from tests.factories import KEY_SCORES, create_account
from tests.whitespace.test_map import YEAR, buys, cells, offering, portfolio

D = Decimal


async def test_the_database_s_figures_are_the_rule_s_on_the_same_peers(client, session_factory):
    cloud = await offering(client, "Cloud", "C")
    # (industry, revenue, spent on Cloud): two buyers in manufacturing (an even count), three in
    # the tier, one account of no known industry among them, and an archived buyer that is no peer.
    accounts = [
        ("Manufacturing", "1000.00", "100.00"),
        ("Manufacturing", "3000.00", "301.00"),
        ("Manufacturing", "500.00", None),
        ("Retail", "8000.00", "50.00"),
        (None, "700.00", None),
    ]
    for n, (industry, revenue, spent) in enumerate(accounts):
        made = await create_account(client, name=f"Peer {n}", industry=industry, scores=KEY_SCORES)
        await buys(client, made["id"], revenue, [{"offering_id": cloud, "revenue": spent}] if spent else [])
    archived = await create_account(client, name="Gone", industry="Manufacturing", scores=KEY_SCORES)
    await buys(client, archived["id"], "9000.00", [{"offering_id": cloud, "revenue": "9000.00"}])
    assert (await client.delete(f"/v1/accounts/{archived['id']}")).status_code == 204

    def rule(rows):
        return figures([Peer(D(revenue), D(spent or 0)) for _, revenue, spent in rows])

    async with session_factory() as session:
        book = await peer_book(session, YEAR, ["key"])
    offering_id = uuid.UUID(cloud)
    assert book.figures("key", "Manufacturing", offering_id) == rule(accounts[:3])
    assert book.figures("key", None, offering_id) == rule(accounts)
    assert book.figures("key", "Retail", offering_id) == rule(accounts[3:4])
    assert book.figures("mid", None, offering_id) is None  # no account of the tier: no group
    assert rule(accounts[:3]).median_spent == D("200.5")  # the mean of the middle two, exactly


async def test_a_large_tier_is_read_as_the_clock_kept_it(client, session_factory, monkeypatch):
    monkeypatch.setattr(kept, "LIVE_UP_TO_ACCOUNTS", 0)
    acme, _, ids = await portfolio(client, peers=5, buyers=1)
    url = f"/v1/accounts/{acme['id']}/whitespace"
    # Never kept: computed on the read. One buyer in five is too few.
    assert cells((await client.get(url)).json(), "Acme")["T"]["estimate"] is None
    async with transaction(session_factory) as session:
        assert await refresh(session, YEAR) > 0
    for n, spent in enumerate(["300.00", "250.00"]):
        made = await create_account(client, name=f"New buyer {n}", industry="Manufacturing", scores=KEY_SCORES)
        await buys(client, made["id"], "2000.00", [{"offering_id": ids["T"], "revenue": spent}])
    # Kept: the new buyers are not among them until the next refresh (3 of 7 would be enough).
    assert cells((await client.get(url)).json(), "Acme")["T"]["estimate"] is None
    async with transaction(session_factory) as session:
        await refresh(session, YEAR)
    estimate = cells((await client.get(url)).json(), "Acme")["T"]["estimate"]
    assert (estimate["peers"], estimate["buyers"], estimate["median_spent"]) == (7, 3, "250.00")


async def test_a_large_portfolio_s_penetration_is_read_as_the_clock_kept_it(
    client, client_for, users, session_factory, monkeypatch
):
    await portfolio(client, peers=5, buyers=2, owner_id=str(users["kam"].id))
    live = (await client.get("/v1/reports/whitespace")).json()
    monkeypatch.setattr(kept, "LIVE_UP_TO_ACCOUNTS", 0)
    async with transaction(session_factory) as session:
        await refresh(session, YEAR)
    assert (await client.get("/v1/reports/whitespace")).json() == live
    filtered = {"tier": "key", "industry": "Manufacturing"}
    assert (await client.get("/v1/reports/whitespace", params=filtered)).json()["accounts"] == 6
    codes = {line["offering"]["code"]: line["offering"]["id"] for line in live["offerings"]}
    buyer = await create_account(client, name="New buyer", industry="Manufacturing", scores=KEY_SCORES)
    await buys(client, buyer["id"], "2000.00", [{"offering_id": codes["T"], "revenue": "100.00"}])

    def training(report: dict) -> tuple[int, int]:
        line = next(line for line in report["offerings"] if line["offering"]["code"] == "T")
        return report["accounts"], line["owning"]

    assert training((await client.get("/v1/reports/whitespace")).json()) == (7, 2)  # as kept
    # A KAM sees only some accounts: computed for them on each read.
    assert training((await client_for(users["kam"]).get("/v1/reports/whitespace")).json()) == (2, 0)
    async with transaction(session_factory) as session:
        await refresh(session, YEAR)
    assert training((await client.get("/v1/reports/whitespace")).json()) == (8, 3)


@pytest.mark.slow
def test_the_clock_refreshes_the_figures_once_per_tick():
    with fresh_database("kam_kept_figures") as url:
        asyncio.run(_refreshed_by_the_clock(url))


async def _refreshed_by_the_clock(url: str) -> None:
    engine = create_engine(url, pool_size=2)
    factory = unit_of_work.session_factory(engine)
    tick = int(datetime(YEAR + 1, 3, 1, tzinfo=UTC).timestamp())
    try:
        async with connected(url) as app:
            for _ in range(2):  # two workers' schedulers: one job
                deferrer = app.configure_task(
                    refresh_whitespace_figures.name, queueing_lock="refresh_whitespace_figures", queue="tick"
                )
                with contextlib.suppress(AlreadyEnqueued):
                    await deferrer.defer_async(timestamp=tick)
        async with transaction(factory) as session:
            session.add(Account(name="Alone", status="active", scores={}, tier="key", industry="Retail"))
        async with transaction(factory) as session:
            rows = await refresh(session, YEAR)  # kept before: replaced, not doubled
        await run_worker(url, factory, allow_local_targets=False, wait=False, queues=["tick"])
        async with factory() as session:
            kept = (await session.execute(select(PeerBenchmark.year, func.count()).group_by(PeerBenchmark.year))).all()
            ran = (
                await session.execute(
                    text(
                        "SELECT status FROM procrastinate_jobs"
                        " WHERE task_name = 'refresh_whitespace_figures' AND queue_name = 'tick'"
                    )
                )
            ).scalars()
            assert list(ran) == ["succeeded"]
        # The key tier and its retail accounts' peers; the one group of accounts counted.
        assert rows == 3 and kept == [(YEAR, 2)]
    finally:
        await engine.dispose()
