"""The statements of the operations endpoints: whether the database answers, and the figures an
operator watches that only the database knows (the job queue, deliveries, the feed, the judgement)."""

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.accounts.repository import AccountRepository
from app.rules_versions.repository import RulesRepository

# Counting past this many accounts to judge costs more than it tells: the lag says how far behind.
JUDGEMENT_BACKLOG_CAP = 10_000

_JOBS = text(
    "SELECT queue_name, status::text, count(*) FROM procrastinate_jobs"
    " WHERE status IN ('todo', 'doing') GROUP BY queue_name, status"
)
_DELIVERIES = text(
    "SELECT count(*), coalesce(extract(epoch FROM now() - min(created_at)), 0)"
    " FROM webhook_deliveries WHERE status = 'pending'"
)
# Events at or after the oldest running transaction are not in the feed yet (app/events/repository.py).
_FEED_LAG = text(
    "SELECT coalesce(extract(epoch FROM now() - min(occurred_at)), 0) FROM events"
    " WHERE transaction_id >= pg_snapshot_xmin(pg_current_snapshot())::text::bigint"
)
_JUDGEMENT_LAG = text(
    "SELECT coalesce(extract(epoch FROM now() - f.judged_until), 0)"
    " FROM account_facts f JOIN accounts a ON a.id = f.account_id AND a.archived_at IS NULL"
    " WHERE f.judged_until <= now() ORDER BY f.judged_until LIMIT 1"
)


@dataclass(frozen=True)
class DatabaseFigures:
    jobs: dict[tuple[str, str], int]
    pending_deliveries: int
    oldest_pending_delivery_seconds: float
    feed_lag_seconds: float
    judgement_backlog: int
    judgement_lag_seconds: float


async def ping(engine: AsyncEngine) -> None:
    """A round trip on a new checkout of the pool; raises when the database does not answer."""
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))


async def database_figures(factory: async_sessionmaker[AsyncSession]) -> DatabaseFigures:
    """Short statements, each read from an index; raises when the database does not answer. The
    backlog is what the view filters judge again (``AccountRepository.lapsed_live_views``)."""
    async with factory() as session:
        jobs = {(queue, status): count for queue, status, count in await session.execute(_JOBS)}
        pending, oldest = (await session.execute(_DELIVERIES)).one()
        feed_lag = (await session.execute(_FEED_LAG)).scalar_one()
        rules = await RulesRepository(session).current()
        lapsed = await AccountRepository(session).lapsed_live_views(
            datetime.now(UTC), rules.version, JUDGEMENT_BACKLOG_CAP
        )
        judgement_lag = (await session.execute(_JUDGEMENT_LAG)).scalar() or 0
    backlog = JUDGEMENT_BACKLOG_CAP if lapsed is None else len(lapsed)
    return DatabaseFigures(jobs, pending, float(oldest), float(feed_lag), backlog, float(judgement_lag))
