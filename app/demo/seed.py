"""``kam seed-demo``: build a demo portfolio and load it into an empty database, a chunk at a time."""

from datetime import UTC, datetime

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.demo.portfolio import build_portfolio
from app.demo.tables import COPY_ORDER, copy_tables
from app.facts.repository import FactsRepository
from app.models import Account
from app.rules.document import RulesConfig


async def seed_demo(session: AsyncSession, accounts: int, rules: RulesConfig, seed: int = 7) -> dict[str, int]:
    existing = await session.scalar(select(func.count()).select_from(Account)) or 0
    if existing:
        raise ValueError(f"the database already holds {existing} accounts; seed an empty one")
    counts: dict[str, int] = dict.fromkeys(COPY_ORDER, 0)
    for chunk in build_portfolio(accounts, rules, datetime.now(UTC), seed):
        for table, copied in (await copy_tables(session, chunk)).items():
            counts[table] += copied
    # Statistics for the freshly filled tables, so gathering the facts gets sensible query plans.
    await session.execute(text(f"ANALYZE {', '.join(COPY_ORDER)}"))
    await FactsRepository(session).ensure_facts()
    return counts
