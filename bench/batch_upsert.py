"""Benchmark: batch upsert of N accounts, in batches of 1,000, against PostgreSQL COPY of the same rows.

    python bench/batch_upsert.py --accounts 10000 --rounds 3

Uses KAM_DATABASE_URL's server if set (a database ``kam_bench_batch`` on it, made afresh),
otherwise an embedded PostgreSQL under .data/bench. Each round empties the tables, then times:
COPY of the rows into ``accounts``; the batch upserts creating them; the same batches again
(every item unchanged); and batches changing every account's name (every item updated). Requests
run in-process (no network), JSON in and out. The figures are medians over the rounds, in seconds,
and each pass's ratio to COPY. Machines are shared and noisy: compare medians and ratios.
"""

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

import asyncpg
from httpx import ASGITransport, AsyncClient
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import unit_of_work  # noqa: E402
from app.cli import migrate  # noqa: E402
from app.db import create_engine  # noqa: E402
from app.embedded_pg import start_embedded_postgres  # noqa: E402
from app.main import create_app  # noqa: E402
from app.plumbing.gc_tuning import freeze_startup_objects  # noqa: E402
from app.settings import Settings  # noqa: E402
from bench.run import SERVER_SETTINGS, admin_token  # noqa: E402

DATABASE = "kam_bench_batch"
BATCH = 1000
INDUSTRIES = ("Software", "Energy", "Retail", "Logistics", "Finance")
REGIONS = ("EMEA", "Americas", "APAC")
CRITERIA = ("revenue_potential", "profitability", "relationship", "strategic_fit", "influence")
# Tables the passes write to, emptied before each round (users and tokens stay).
WRITTEN = "accounts, account_facts, audit_entries, tier_changes, idempotency_records"


def dsn(url: str, database: str) -> str:
    return make_url(url).set(drivername="postgresql", database=database).render_as_string(hide_password=False)


async def fresh_database() -> str:
    server = os.environ.get("KAM_DATABASE_URL") or start_embedded_postgres(
        ROOT / ".data" / "bench", database="postgres", settings=SERVER_SETTINGS
    )
    admin = await asyncpg.connect(dsn(server, "postgres"))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{DATABASE}"')
    finally:
        await admin.close()
    url = make_url(server).set(database=DATABASE).render_as_string(hide_password=False)
    await asyncio.to_thread(migrate, url)
    return url


def accounts(count: int) -> list[dict]:
    """Items as a CRM sends them: every field but the people, scores on four accounts in five."""
    return [
        {
            "external_id": f"crm-{n:07d}",
            "name": f"Account {n:07d} GmbH",
            "industry": INDUSTRIES[n % len(INDUSTRIES)],
            "region": REGIONS[n % len(REGIONS)],
            "employee_count": 50 + n % 5000,
            "website": f"https://account-{n}.example.com",
            "status": "active",
            "scores": {} if n % 5 == 0 else {key: 1 + (n + i) % 10 for i, key in enumerate(CRITERIA)},
            "notes": "Imported from the CRM.",
        }
        for n in range(count)
    ]


async def copy_rows(url: str, items: list[dict]) -> float:
    columns = ["id", "version", *items[0].keys()]
    records = [
        (uuid.uuid4(), 1, *(json.dumps(value) if key == "scores" else value for key, value in item.items()))
        for item in items
    ]
    connection = await asyncpg.connect(dsn(url, DATABASE))
    try:
        started = time.perf_counter()
        async with connection.transaction():
            await connection.copy_records_to_table("accounts", records=records, columns=columns)
        return time.perf_counter() - started
    finally:
        await connection.close()


async def empty_tables(url: str) -> None:
    connection = await asyncpg.connect(dsn(url, DATABASE))
    try:
        await connection.execute(f"TRUNCATE {WRITTEN} CASCADE")
    finally:
        await connection.close()


async def upsert_all(client: AsyncClient, items: list[dict], expected: str) -> float:
    started = time.perf_counter()
    for start in range(0, len(items), BATCH):
        response = await client.post("/v1/accounts/batch/upsert", json={"items": items[start : start + BATCH]})
        body = response.json()
        if response.status_code != 200 or body[expected] != len(body["items"]):
            raise SystemExit(f"unexpected answer: {response.status_code} {response.text[:500]}")
    return time.perf_counter() - started


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    url = await fresh_database()
    token = await admin_token(url)
    app = create_app(Settings(database_url=url, log_level="warning"))
    engine = create_engine(url)
    app.state.engine = engine
    app.state.session_factory = unit_of_work.session_factory(engine)
    items = accounts(args.accounts)
    freeze_startup_objects()  # as the service does once started (app/plumbing/gc_tuning.py)
    renamed = [{**item, "name": item["name"] + " (renamed)"} for item in items]
    timings: dict[str, list[float]] = {"COPY": [], "created": [], "unchanged": [], "updated": []}
    headers = {"Authorization": f"Bearer {token}"}
    transport = ASGITransport(app=app)
    async with AsyncClient(transport=transport, base_url="http://bench", headers=headers, timeout=600) as client:
        for _ in range(args.rounds):
            await empty_tables(url)
            timings["COPY"].append(await copy_rows(url, items))
            await empty_tables(url)
            timings["created"].append(await upsert_all(client, items, "created"))
            timings["unchanged"].append(await upsert_all(client, items, "unchanged"))
            timings["updated"].append(await upsert_all(client, renamed, "updated"))
    await engine.dispose()

    copy = statistics.median(timings["COPY"])
    print(f"\n{args.accounts} accounts in batches of {BATCH}, median of {args.rounds} rounds\n")
    print(f"{'pass':28} {'seconds':>8} {'accounts/s':>11} {'x COPY':>7}")
    for name, runs in timings.items():
        median = statistics.median(runs)
        label = "COPY into accounts" if name == "COPY" else f"batch upsert, all {name}"
        print(f"{label:28} {median:8.2f} {args.accounts / median:11.0f} {median / copy:7.1f}")


if __name__ == "__main__":
    asyncio.run(main())
