"""Benchmark: loads a demo portfolio of N accounts and times the lists and reports.

    python bench/run.py --accounts 100000

Uses KAM_DATABASE_URL's server if set (a database ``kam_bench`` on it), otherwise an embedded
PostgreSQL under .data/bench. The portfolio is seeded once and reused while it has N accounts.
Each request runs in-process (no network) a few times after a warm-up; the figures are the median
and the slowest run, in milliseconds. Machines are shared and noisy: compare medians and ratios.
"""

import argparse
import asyncio
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
from httpx import ASGITransport, AsyncClient
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import unit_of_work  # noqa: E402
from app.cli import migrate  # noqa: E402
from app.db import create_engine  # noqa: E402
from app.demo.seed import seed_demo  # noqa: E402
from app.embedded_pg import start_embedded_postgres  # noqa: E402
from app.events.clock import judge_all  # noqa: E402
from app.main import create_app  # noqa: E402
from app.models import Account  # noqa: E402
from app.plumbing.transactions import transaction  # noqa: E402
from app.rules_versions.repository import RulesRepository  # noqa: E402
from app.settings import Settings  # noqa: E402
from app.users.bootstrap import create_admin  # noqa: E402

DATABASE = "kam_bench"
# The account screen in one request (GET /v1/accounts/{id}?include=...): timed beside the plain read.
SCREEN = "contacts,opportunities,plans,team,financials,relationship_map"

# The embedded server is tuned as a deployment's would be: PostgreSQL's defaults are sized for the
# smallest machine (128 MB of shared buffers, a checkpoint every 1 GB of WAL), and at a million
# accounts a rules change then spends most of its time evicting index pages and writing whole pages
# to the WAL again after each checkpoint. README's "Deploying" gives the same settings.
SERVER_SETTINGS = {"shared_buffers": "2GB", "max_wal_size": "8GB", "checkpoint_timeout": "15min"}


async def analyze(url: str) -> None:
    engine = create_engine(url)
    async with engine.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.exec_driver_sql("ANALYZE")
    await engine.dispose()


async def database(accounts: int, name: str = DATABASE) -> str:
    server = os.environ.get("KAM_DATABASE_URL") or start_embedded_postgres(
        ROOT / ".data" / "bench", database="postgres", settings=SERVER_SETTINGS
    )
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    admin = await asyncpg.connect(
        make_url(server).set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    )
    try:
        exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if exists:
            engine = create_engine(url)
            async with engine.connect() as connection:
                count = await connection.scalar(select(func.count()).select_from(Account))
            await engine.dispose()
            if count == accounts:
                await asyncio.to_thread(migrate, url)  # a portfolio seeded before the latest migrations
                await analyze(url)
                return url
            await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    await asyncio.to_thread(migrate, url)
    engine = create_engine(url)
    started = time.perf_counter()
    async with transaction(unit_of_work.session_factory(engine)) as session:
        counts = await seed_demo(session, accounts, await RulesRepository(session).current())
    await engine.dispose()
    # Fresh tables have no statistics until autovacuum gets to them; a deployment would have them.
    await analyze(url)
    print(f"seeded in {time.perf_counter() - started:.0f} s: " + ", ".join(f"{n} {t}" for t, n in counts.items()))
    return url


async def judge(url: str) -> None:
    """What the clock does every minute in a deployment: judge the accounts whose kept view no longer
    holds (all of them, once, after seeding or a rules change)."""
    engine = create_engine(url)
    started = time.perf_counter()
    told = await judge_all(unit_of_work.session_factory(engine), datetime.now(UTC))
    await engine.dispose()
    print(f"judged the accounts whose view no longer held in {time.perf_counter() - started:.1f} s ({told} told)")


async def admin_token(url: str) -> str:
    engine = create_engine(url)
    async with transaction(unit_of_work.session_factory(engine)) as session:
        secret = await create_admin(session, f"bench-{time.time_ns()}@example.com", "Bench")
    await engine.dispose()
    return secret


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database", default=DATABASE, help="the database to seed (once) and read")
    parser.add_argument("--only", action="append", help="time only the requests whose name holds this (repeatable)")
    args = parser.parse_args()

    url = await database(args.accounts, args.database)
    await judge(url)
    token = await admin_token(url)
    app = create_app(Settings(database_url=url, log_level="warning"))
    engine = create_engine(url)
    app.state.engine = engine
    app.state.session_factory = unit_of_work.session_factory(engine)
    headers = {"Authorization": f"Bearer {token}"}
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://bench", headers=headers) as client:
        page = (await client.get("/v1/accounts", params={"sort": "-score", "limit": 1})).json()
        top = page["items"][0]["id"]
        cursor = (await client.get("/v1/accounts", params={"limit": 50})).json()["next_cursor"]
        cases = [
            ("accounts, first page (50, by name)", "/v1/accounts", {}),
            ("accounts, next page", "/v1/accounts", {"cursor": cursor}),
            ("accounts by score, descending", "/v1/accounts", {"sort": "-score"}),
            ("accounts, tier=key", "/v1/accounts", {"tier": "key"}),
            ("accounts, q=Glob", "/v1/accounts", {"q": "Glob"}),
            (
                "accounts, updated_since, by updated_at",
                "/v1/accounts",
                {"updated_since": "2025-01-01T00:00:00Z", "sort": "updated_at"},
            ),
            ("accounts, health=red", "/v1/accounts", {"health": "red"}),
            ("accounts, promotion_candidate=true", "/v1/accounts", {"promotion_candidate": "true"}),
            ("accounts, review_overdue=true", "/v1/accounts", {"review_overdue": "true"}),
            ("accounts, count=true", "/v1/accounts", {"count": "true"}),
            ("accounts, tier=key, count=true", "/v1/accounts", {"tier": "key", "count": "true"}),
            ("accounts, q=Glob, count=true", "/v1/accounts", {"q": "Glob", "count": "true"}),
            ("accounts, health=red, count=true", "/v1/accounts", {"health": "red", "count": "true"}),
            ("accounts, metadata=segment:S1", "/v1/accounts", {"metadata": "segment:S1"}),
            ("accounts, metadata=segment:S1, count=true", "/v1/accounts", {"metadata": "segment:S1", "count": "true"}),
            ("one account", f"/v1/accounts/{top}", {}),
            ("one account, the screen's six parts", f"/v1/accounts/{top}", {"include": SCREEN}),
            *[(f"one account, include={part}", f"/v1/accounts/{top}", {"include": part}) for part in SCREEN.split(",")],
            ("contacts, first page", "/v1/contacts", {}),
            ("contacts, count=true", "/v1/contacts", {"count": "true"}),
            ("opportunities, first page", "/v1/opportunities", {}),
            ("opportunities, count=true", "/v1/opportunities", {"count": "true"}),
            ("interactions, first page", "/v1/interactions", {}),
            ("relationship map", f"/v1/accounts/{top}/relationship-map", {}),
            ("operating report (JSON)", f"/v1/accounts/{top}/report", {}),
            ("whitespace map", f"/v1/accounts/{top}/whitespace", {}),
            ("report: pyramid", "/v1/reports/pyramid", {}),
            ("report: concentration", "/v1/reports/concentration", {}),
            ("report: pipeline", "/v1/reports/pipeline", {}),
            ("report: reviews due", "/v1/reports/reviews-due", {}),
            ("report: at risk", "/v1/reports/at-risk", {}),
            ("report: whitespace", "/v1/reports/whitespace", {}),
            ("report: whitespace, tier=key", "/v1/reports/whitespace", {"tier": "key"}),
            ("report: targets", "/v1/reports/targets", {}),
            ("report: programme", "/v1/reports/programme", {}),
            ("report: criteria", "/v1/reports/criteria", {}),
            ("report: commission", "/v1/reports/commission", {}),
        ]
        if args.only:
            cases = [case for case in cases if any(part in case[0] for part in args.only)]
        print(f"\n{args.accounts} accounts, {args.runs} runs each after a warm-up (milliseconds)\n")
        print(f"{'request':45} {'median':>9} {'slowest':>9}  status {'SQL median':>11} {'ratio':>6}")
        driver = await asyncpg.connect(make_url(url).set(drivername="postgresql").render_as_string(hide_password=False))
        for name, path, params in cases:
            timings = []
            status = None
            for run in range(args.runs + 1):
                started = time.perf_counter()
                response = await client.get(path, params=params)
                elapsed = (time.perf_counter() - started) * 1000
                status = response.status_code
                if run:
                    timings.append(elapsed)
            line = f"{name:45} {statistics.median(timings):9.1f} {max(timings):9.1f}  {status}"
            if name in HAND_WRITTEN:
                ruler = await sql_median(driver, HAND_WRITTEN[name], args.runs)
                line += f"    {ruler:11.1f} {statistics.median(timings) / ruler:6.2f}"
            print(line)
        await driver.close()
    await engine.dispose()


# Each report's figures as one would write them by hand, straight against the tables (health and the
# next review as the clock kept them): the ruler of the reports (the service adds scoping, the check
# that each kept view still holds, and the answer's shape).
HAND_WRITTEN = {
    "report: pyramid": """
        SELECT a.tier, count(*), sum(f.latest_annual_revenue)
        FROM accounts a LEFT JOIN account_facts f ON f.account_id = a.id
        WHERE a.archived_at IS NULL GROUP BY a.tier""",
    "report: concentration": """
        SELECT a.id, a.name, f.latest_annual_revenue,
               f.latest_annual_revenue / sum(f.latest_annual_revenue) OVER () AS share
        FROM accounts a JOIN account_facts f ON f.account_id = a.id
        WHERE a.archived_at IS NULL AND f.latest_annual_revenue IS NOT NULL
        ORDER BY f.latest_annual_revenue DESC LIMIT 10""",
    "report: pipeline": """
        SELECT o.stage, count(*), sum(o.amount), sum(o.amount * o.probability / 100)
        FROM opportunities o JOIN accounts a ON a.id = o.account_id
        WHERE a.archived_at IS NULL AND (o.closed_at IS NULL OR o.closed_at >= now() - interval '90 days')
        GROUP BY o.stage""",
    "report: reviews due": """
        SELECT a.id, a.name, f.judged_next_review_due,
               count(*) FILTER (WHERE f.judged_next_review_due < current_date) OVER (),
               count(*) FILTER (WHERE f.judged_next_review_due >= current_date) OVER ()
        FROM accounts a JOIN account_facts f ON f.account_id = a.id
        WHERE a.archived_at IS NULL AND f.judged_next_review_due <= current_date + 14
        ORDER BY f.judged_next_review_due < current_date DESC, f.judged_next_review_due, a.name LIMIT 200""",
    "report: at risk": """
        SELECT a.id, a.name, f.judged_health,
               count(*) FILTER (WHERE f.judged_health = 'red') OVER (),
               count(*) FILTER (WHERE f.judged_health = 'amber') OVER ()
        FROM accounts a JOIN account_facts f ON f.account_id = a.id
        WHERE a.archived_at IS NULL AND f.judged_health IN ('red', 'amber')
        ORDER BY f.judged_health = 'red' DESC, cardinality(f.judged_signals) DESC, a.name LIMIT 200""",
    "report: whitespace": """
        SELECT l.offering_id, count(DISTINCT l.account_id), sum(l.revenue)
        FROM revenue_lines l JOIN financials f ON f.id = l.financial_id JOIN accounts a ON a.id = l.account_id
        WHERE f.year = extract(year FROM now())::int - 1 AND f.quarter IS NULL AND a.archived_at IS NULL
        GROUP BY l.offering_id""",
}


async def sql_median(driver: asyncpg.Connection, query: str, runs: int) -> float:
    timings = []
    for run in range(runs + 1):
        started = time.perf_counter()
        await driver.fetch(query)
        if run:
            timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


if __name__ == "__main__":
    asyncio.run(main())
