"""``kam seed-demo``: build a demo portfolio and load it into an empty database, a chunk at a time."""

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.account_facts.repository import FactsRepository
from app.demo.portfolio import build_portfolio
from app.demo.tables import COPY_ORDER, copy_tables
from app.demo.targets import set_targets
from app.models import Account
from app.programme.kept import refresh as keep_programme_figures
from app.rules.document import RulesConfig
from app.whitespace.kept import refresh as keep_whitespace_figures

# The indexes of these tables that back no constraint (the keys foreign keys check stay).
_PLAIN_INDEXES = text(
    """
    SELECT i.indexname, i.indexdef FROM pg_indexes AS i
    WHERE i.schemaname = current_schema() AND i.tablename = ANY(:tables)
      AND NOT EXISTS (
        SELECT 1 FROM pg_constraint AS c WHERE c.conindid = format('%I.%I', i.schemaname, i.indexname)::regclass
      )
    """
)


@asynccontextmanager
async def indexes_set_aside(session: AsyncSession, tables: Sequence[str]) -> AsyncIterator[None]:
    """Drop the plain indexes of these tables for a bulk load and build them again after it (in the
    same transaction): one sorted build per index is far cheaper than an insertion per row."""
    indexes = (await session.execute(_PLAIN_INDEXES, {"tables": list(tables)})).all()
    for name, _ in indexes:
        await session.execute(text(f'DROP INDEX "{name}"'))
    yield
    await session.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))
    for _, definition in indexes:
        await session.execute(text(definition))


async def seed_demo(session: AsyncSession, accounts: int, rules: RulesConfig, seed: int = 7) -> dict[str, int]:
    existing = await session.scalar(select(func.count()).select_from(Account)) or 0
    if existing:
        raise ValueError(
            f"the database already holds {existing:,} accounts. Seed a new one (another KAM_DATA_DIR, or "
            "KAM_DATABASE_URL naming an empty database), or start again with --reset, which deletes everything"
        )
    counts: dict[str, int] = dict.fromkeys(COPY_ORDER, 0)
    now = datetime.now(UTC)
    chunks = build_portfolio(accounts, rules, now, seed)
    # The names' trigrams are written by the accounts' trigger as the accounts are copied.
    async with indexes_set_aside(session, [*COPY_ORDER, "account_names"]):
        # The next chunk is built in a thread while the database takes this one: the two overlap.
        building = asyncio.create_task(asyncio.to_thread(next, chunks, None))
        while (chunk := await building) is not None:
            building = asyncio.create_task(asyncio.to_thread(next, chunks, None))
            for table, copied in (await copy_tables(session, chunk)).items():
                counts[table] += copied
    # Statistics for the freshly filled tables, so gathering the facts gets sensible query plans.
    await session.execute(text(f"ANALYZE {', '.join(COPY_ORDER)}"))
    await FactsRepository(session).ensure_facts()
    # The whitespace figures, kept as the clock would keep them: a large demo's first reads need not compute them.
    await keep_whitespace_figures(session, now.year - 1)
    counts["targets"] = await set_targets(session, now.year)
    await keep_programme_figures(session, now.date(), rules.criterion_keys)
    return counts
