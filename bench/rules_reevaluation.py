"""Benchmark: a rules change re-evaluated over a demo portfolio of N accounts.

    python bench/rules_reevaluation.py --accounts 100000 [--database kam_bench]

Seeds (or reuses) the portfolio of bench/run.py, stores a new rules version whose weights move every
score (and some tiers), and times the re-evaluation job a worker runs for it, batch by batch to the
end. Prints the accounts re-evaluated, the tier changes made, the time and the rate.
"""

import argparse
import asyncio
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from run import DATABASE, database  # noqa: E402

from app import unit_of_work  # noqa: E402
from app.db import create_engine  # noqa: E402
from app.jobs.repository import REEVALUATION, JobRepository  # noqa: E402
from app.models import Job, TierChange  # noqa: E402
from app.plumbing.transactions import transaction  # noqa: E402
from app.rules.document import RulesDocument  # noqa: E402
from app.rules_versions.reevaluation import reevaluate  # noqa: E402
from app.rules_versions.repository import RulesRepository  # noqa: E402


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--database", default=DATABASE)
    args = parser.parse_args()
    url = await database(args.accounts, args.database)
    engine = create_engine(url)
    factory = unit_of_work.session_factory(engine)
    async with transaction(factory) as session:
        current = await RulesRepository(session).current()
        document = current.model_dump(exclude={"version"})
        # Revenue potential and relationship swap weights (back again the next run): every score moves.
        weights = {criterion["key"]: criterion["weight"] for criterion in document["criteria"]}
        swapped = {"revenue_potential": weights["relationship"], "relationship": weights["revenue_potential"]}
        for criterion in document["criteria"]:
            criterion["weight"] = swapped.get(criterion["key"], criterion["weight"])
        rules = await RulesRepository(session).add(current.version + 1, RulesDocument.model_validate(document))
        job = await JobRepository(session).add(Job(kind=REEVALUATION, rules_version=rules.version))
        changes_before = await session.scalar(select(func.count()).select_from(TierChange))
    started = time.perf_counter()
    await reevaluate(factory)
    elapsed = time.perf_counter() - started
    async with factory() as session:
        done = await JobRepository(session).get(job.id)
        assert done is not None
        changes = (await session.scalar(select(func.count()).select_from(TierChange)) or 0) - (changes_before or 0)
    await engine.dispose()
    print(
        f"{done.accounts_done} accounts re-evaluated to version {rules.version} ({done.status}) in {elapsed:.1f} s:"
        f" {done.accounts_done / elapsed:,.0f} accounts/s, {changes} tier changes"
    )


if __name__ == "__main__":
    asyncio.run(main())
