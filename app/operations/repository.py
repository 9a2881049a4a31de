"""The statements of the operations endpoints: whether the database answers, and the figures an
operator watches that only the database knows (the job queue, deliveries, the feed, the judgement)."""

from dataclasses import dataclass

from sqlalchemy import TextClause, text
from sqlalchemy.ext.asyncio import AsyncEngine

from app.rules.document import DEFAULT_RULES

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
_RULES_VERSION = text("SELECT max(version) FROM rules_versions")


def _judgement_backlog(rules_version: int) -> TextClause:
    """What the judgement has still to look at (AccountRepository.live_ids_to_judge): live accounts
    whose view was never judged, judged with older rules, or holds no longer. The version is written
    into the statement, not bound: with it known, the planner reads the few rows from the indexes
    where a parameter's generic plan would read every account's facts."""
    return text(
        "SELECT count(*) FROM (SELECT 1 FROM account_facts f"
        " JOIN accounts a ON a.id = f.account_id AND a.archived_at IS NULL"
        " WHERE f.judged_until IS NULL OR f.judged_until <= now()"
        f" OR f.judged_rules_version IS NULL OR f.judged_rules_version < {int(rules_version)}"
        " LIMIT :cap) AS backlog"
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


async def database_figures(engine: AsyncEngine) -> DatabaseFigures:
    """Six short statements, each read from an index; raises when the database does not answer."""
    async with engine.connect() as connection:
        jobs = {(queue, status): count for queue, status, count in await connection.execute(_JOBS)}
        pending, oldest = (await connection.execute(_DELIVERIES)).one()
        feed_lag = (await connection.execute(_FEED_LAG)).scalar_one()
        # The defaults' version while no other is stored.
        rules_version = (await connection.execute(_RULES_VERSION)).scalar() or DEFAULT_RULES.version
        backlog_statement = _judgement_backlog(rules_version)
        backlog = (await connection.execute(backlog_statement, {"cap": JUDGEMENT_BACKLOG_CAP})).scalar_one()
        judgement_lag = (await connection.execute(_JUDGEMENT_LAG)).scalar() or 0
    return DatabaseFigures(jobs, pending, float(oldest), float(feed_lag), backlog, float(judgement_lag))
