"""The programme's figures kept for large portfolios: the rows of its grouped statements (a year's
figures per tier and owner, the pipeline closing in the year, the ranks behind the criteria), as the
clock computes them every hour (``refresh``).

A portfolio of up to ``LIVE_UP_TO_ACCOUNTS`` live accounts is computed on each read, and so is what a
caller who sees only some accounts asks: their figures follow every write. A larger one is read as
kept: at a million accounts a year's figures take seconds (every financial, interaction and deal of
the year, and each account's tier then), far more than a report's budget, and a report of a year
moves by nothing a reader could see in an hour. Until its first refresh it is computed on each read."""

import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from procrastinate import JobContext
from sqlalchemy import Integer, cast, delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.jobs.queue import DEFAULT, tasks
from app.models import ProgrammeFigures, WonByDay
from app.plumbing.transactions import transaction
from app.programme.repository import ProgrammeRepository
from app.rules_versions.repository import RulesRepository

LIVE_UP_TO_ACCOUNTS = 5_000
REFRESH_CRON = "23 * * * *"
_TEXT = {"tier", "stage", "key"}
_DATES = {"day"}


def _encode(row: Any) -> dict[str, Any]:
    return {
        name: str(value)
        if isinstance(value, Decimal | uuid.UUID)
        else value.isoformat()
        if isinstance(value, date)
        else value
        for name, value in row._mapping.items()
    }


def _decode(row: dict[str, Any]) -> SimpleNamespace:
    def value(name: str, raw: Any) -> Any:
        if raw is None or name in _TEXT or not isinstance(raw, str):
            return raw
        if name in _DATES:
            return date.fromisoformat(raw)
        return uuid.UUID(raw) if name.endswith("_id") else Decimal(raw)

    return SimpleNamespace(**{name: value(name, raw) for name, raw in row.items()})


async def kept(session: AsyncSession, name: str, year: int) -> list[SimpleNamespace] | None:
    found = await kept_as_of(session, name, year)
    return None if found is None else found[0]


async def kept_as_of(session: AsyncSession, name: str, year: int) -> tuple[list[SimpleNamespace], datetime] | None:
    """The kept rows of a statement and the moment they are of; none when not kept."""
    statement = select(ProgrammeFigures.rows, ProgrammeFigures.as_of).where(
        ProgrammeFigures.name == name, ProgrammeFigures.year == year
    )
    found = (await session.execute(statement)).one_or_none()
    return None if found is None else ([_decode(row) for row in found.rows], found.as_of)


async def large(session: AsyncSession, year: int) -> bool:
    """Whether the year's kept figures count more accounts than are computed on each read."""
    rows = await kept(session, "year", year)
    return rows is not None and sum(int(row.accounts) for row in rows) > LIVE_UP_TO_ACCOUNTS


async def won_in(session: AsyncSession, first: date, last: date) -> Sequence[Any]:
    """The deals won from ``first`` to ``last`` (both included) per owner and tier then, as kept."""
    statement = (
        select(
            WonByDay.owner_id,
            WonByDay.tier,
            cast(func.sum(WonByDay.deals), Integer).label("deals"),
            func.sum(WonByDay.amount).label("amount"),
        )
        .where(WonByDay.day >= first, WonByDay.day <= last)
        .group_by(WonByDay.owner_id, WonByDay.tier)
    )
    return (await session.execute(statement)).all()


async def rows_of(
    session: AsyncSession, use_kept: bool, name: str, year: int, live: Callable[[], Awaitable[Sequence[Any]]]
) -> Sequence[Any]:
    if use_kept and (found := await kept(session, name, year)) is not None:
        return found
    return await live()


async def refresh(session: AsyncSession, today: date, criteria_keys: Sequence[str]) -> int:
    """Compute and keep the figures of this year and the two before, this year's pipeline, the
    criteria's ranks over the latest complete year, and the deals won per day since 1 January last
    year up to today (today's are read live); answers how many statements' rows were kept."""
    records = ProgrammeRepository(session, None, today)
    year = today.year
    midnight = datetime.combine(today, datetime.min.time(), UTC)
    since = datetime(year - 1, 1, 1, tzinfo=UTC)
    computed: list[tuple[str, int, Sequence[Any]]] = [
        *[("year", y, await records.year(y)) for y in (year, year - 1, year - 2)],
        ("pipeline", year, await records.pipeline_closing(year)),
        *[
            (f"criteria_{outcome}", year - 1, await records.criteria_ranks(year - 1, criteria_keys, outcome))
            for outcome in ("growth", "margin")
        ],
        ("won_by_day", year, []),
    ]
    for name, of_year, rows in computed:
        await session.execute(
            delete(ProgrammeFigures).where(ProgrammeFigures.name == name, ProgrammeFigures.year == of_year)
        )
        figures = ProgrammeFigures(name=name, year=of_year, rows=[_encode(row) for row in rows])
        if name == "won_by_day":
            figures.as_of = midnight
        session.add(figures)
    await session.execute(delete(WonByDay))
    won = records.won_statement(since, midnight, None, by_day=True).subquery()
    columns = ["id", "day", "owner_id", "tier", "deals", "amount"]
    picked = select(func.gen_random_uuid(), won.c.day, won.c.owner_id, won.c.tier, won.c.deals, won.c.amount)
    await session.execute(insert(WonByDay).from_select(columns, picked))
    await session.flush()
    return len(computed)


@tasks.periodic(cron=REFRESH_CRON)
@tasks.task(
    name="refresh_programme_figures", queue=DEFAULT, queueing_lock="refresh_programme_figures", pass_context=True
)
async def refresh_programme_figures(context: JobContext, timestamp: int) -> None:
    """Keep the programme's figures, as of the tick it was due for."""
    factory: async_sessionmaker[AsyncSession] = context.additional_context["session_factory"]
    async with transaction(factory) as session:
        rules = await RulesRepository(session).current()
        await refresh(session, datetime.fromtimestamp(timestamp, UTC).date(), rules.criterion_keys)
