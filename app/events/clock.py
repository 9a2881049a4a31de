"""The judgement over time: what the clock alone changes in accounts' computed views (interactions
ageing, reviews falling due and overdue) is told as no write would tell it."""

from datetime import UTC, datetime

from procrastinate import JobContext
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.account_facts.repository import FactsRepository
from app.accounts.repository import AccountRepository
from app.accounts.service import AccountService
from app.auth.policy import SYSTEM
from app.events.judge import Judge, ToJudge
from app.events.repository import EventRepository
from app.jobs.queue import JUDGEMENT, defer_dispatch, tasks
from app.plumbing.transactions import transaction
from app.rules_versions.repository import RulesRepository

JUDGE_BATCH = 500
# A sweep that judged this many views (after seeding, an import or a rules change) has rewritten the
# kept columns' statistics: they are read again at once rather than when autovacuum next analyses
# the table, since the view filters' plans are chosen from them.
ANALYZE_AFTER = 10_000


async def judge_all(factory: async_sessionmaker[AsyncSession], now: datetime, batch: int = JUDGE_BATCH) -> int:
    """Judge every live account whose kept view may have turned by ``now`` (its time has come, it
    was judged with older rules, or never), a committed batch at a time, and tell what turned;
    answers how many events were told. A kept view that still holds is the one the rules give now.
    A view already told is not told again, so running it twice, or on two workers at once, tells
    each change once (see Judge)."""
    told, judged, after = 0, 0, None
    while True:
        async with transaction(factory) as session:
            rules = await RulesRepository(session).current()
            ids = await AccountRepository(session).live_ids_to_judge(after, batch, now, rules.version)
            if not ids:
                if judged >= ANALYZE_AFTER:
                    await FactsRepository(session).analyze()
                return told
            accounts = AccountService(session, rules, now, SYSTEM)
            judging = [ToJudge.of(view, facts) for view, facts in await accounts.to_judge(ids)]
            rows = await Judge(session, now, rules).changes(judging)
            await EventRepository(session).add(rows)
            told, judged, after = told + len(rows), judged + len(ids), ids[-1]


# Every five minutes: what time alone changed (a review falling due) is told within five minutes.
JUDGEMENT_CRON = "*/5 * * * *"


@tasks.periodic(cron=JUDGEMENT_CRON)
@tasks.task(name="judge_accounts", queue=JUDGEMENT, queueing_lock="judge_accounts", pass_context=True)
async def judge_accounts(context: JobContext, timestamp: int) -> None:
    """Tell what time alone changed in accounts' computed views, as of the tick it was due for."""
    factory: async_sessionmaker[AsyncSession] = context.additional_context["session_factory"]
    if await judge_all(factory, datetime.fromtimestamp(timestamp, UTC)):
        await defer_dispatch(context.app)
