"""Whitespace figures kept for large portfolios: what peers buy, per tier (and per industry within
it) and offering (the figures a gap's estimate is made from, app/rules/whitespace.py
``PeerFigures``), and each offering's penetration per owner, tier and industry. Each is one
grouped statement.

Small ones are computed on each read, so they follow every write: a tier of up to
``LIVE_UP_TO_ACCOUNTS`` accounts, a report's scope of as many, and any scope of a caller who sees
only some accounts. Larger ones are read as ``refresh`` last kept them: the clock runs it every
quarter of an hour. At a million accounts each takes seconds, far more than a read's budget, and one
write moves a median or a share of thousands of accounts by nothing a reader could see. Until its
first refresh everything is computed on each read."""

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from procrastinate import JobContext
from sqlalchemy import ColumnElement, Select, delete, func, insert, literal, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.glossary import TIERS
from app.jobs.queue import DEFAULT, tasks
from app.models import Account, AccountFactsRow, PeerBenchmark, WhitespacePenetration
from app.plumbing.transactions import transaction
from app.rules.whitespace import PeerFigures
from app.whitespace.repository import owners, penetration

LIVE_UP_TO_ACCOUNTS = 5_000
NO_PEERS = PeerFigures(0, 0, None, None)
# A refresh replaces a year's rows under this lock, so two at once never keep both sets.
_REFRESH_LOCK = 7_245_118
REFRESH_CRON = "*/15 * * * *"


@dataclass(frozen=True)
class PeerBook:
    """The figures of the groups a request asks about: a tier's as a whole, and an industry's in it."""

    groups: dict[tuple[str, str | None], int]
    offerings: dict[tuple[str, str | None, uuid.UUID], tuple[int, Decimal | None, Decimal | None]]

    def figures(self, tier: str, industry: str | None, offering_id: uuid.UUID) -> PeerFigures | None:
        """The group's figures for the offering (industry None: the whole tier); none for no group."""
        peers = self.groups.get((tier, industry))
        if peers is None:
            return None
        buyers, spent, size = self.offerings.get((tier, industry, offering_id), (0, None, None))
        return PeerFigures(peers, buyers, spent, size)


def _figures(year: int, tiers: Sequence[str]) -> Select[Any]:
    """Each group (a tier, an industry of a tier) with its number of peers: the live accounts of the
    tier; and, per offering its peers bought in ``year``, the buyers and their medians. A median is
    the mean of the two middle values (percentile_disc keeps the numbers exact; percentile_cont
    would go through floating point)."""
    peer = (
        select(
            Account.id,
            Account.tier,
            Account.industry,
            func.coalesce(AccountFactsRow.latest_annual_revenue, 0).label("size"),
        )
        .join(AccountFactsRow, AccountFactsRow.account_id == Account.id)
        .where(Account.archived_at.is_(None), Account.tier.in_(tiers))
        .cte("peer")
    )
    spent = owners(year, peer).cte("spent")

    def middle(value: ColumnElement[Any], *where: ColumnElement[bool]) -> ColumnElement[Any]:
        low = func.percentile_disc(0.5).within_group(value)
        high = func.percentile_disc(0.5).within_group(value.desc())
        if where:
            return (low.filter(*where) + high.filter(*where)) / 2
        return (low + high) / 2

    whole = func.grouping(peer.c.industry) == 1
    groups = (
        select(peer.c.tier, whole.label("whole_tier"), peer.c.industry, func.count().label("peers"))
        .group_by(func.grouping_sets(tuple_(peer.c.tier), tuple_(peer.c.tier, peer.c.industry)))
        .cte("groups")
    )
    buyers = (
        select(
            peer.c.tier,
            whole.label("whole_tier"),
            peer.c.industry,
            spent.c.offering_id,
            func.count().label("buyers"),
            middle(spent.c.spent).label("median_spent"),
            middle(peer.c.size, peer.c.size > 0).label("median_size"),
        )
        .join(peer, peer.c.id == spent.c.account_id)
        .group_by(
            func.grouping_sets(
                tuple_(peer.c.tier, spent.c.offering_id), tuple_(peer.c.tier, peer.c.industry, spent.c.offering_id)
            )
        )
        .cte("buyers")
    )
    return (
        select(
            groups.c.tier,
            groups.c.whole_tier,
            groups.c.industry,
            groups.c.peers,
            buyers.c.offering_id,
            buyers.c.buyers,
            buyers.c.median_spent,
            buyers.c.median_size,
        )
        .outerjoin(
            buyers,
            (buyers.c.tier == groups.c.tier)
            & (buyers.c.whole_tier == groups.c.whole_tier)
            & buyers.c.industry.is_not_distinct_from(groups.c.industry),
        )
        # Accounts of no known industry are no industry's peers: they count in their tier alone.
        .where(or_(groups.c.whole_tier, groups.c.industry.is_not(None)))
    )


def _book(rows: Iterable[Any]) -> PeerBook:
    groups: dict[tuple[str, str | None], int] = {}
    offerings: dict[tuple[str, str | None, uuid.UUID], tuple[int, Decimal | None, Decimal | None]] = {}
    for row in rows:
        industry = None if row.whole_tier else row.industry
        groups[(row.tier, industry)] = row.peers
        if row.offering_id is not None:
            offerings[(row.tier, industry, row.offering_id)] = (row.buyers, row.median_spent, row.median_size)
    return PeerBook(groups, offerings)


async def peer_book(session: AsyncSession, year: int, tiers: Iterable[str | None]) -> PeerBook:
    """The figures of these tiers in ``year``: kept ones for a tier too large to compute, else live."""
    wanted = sorted({tier for tier in tiers if tier is not None})
    if not wanted:
        return PeerBook({}, {})
    kept_rows = (
        (await session.execute(select(PeerBenchmark).where(PeerBenchmark.year == year, PeerBenchmark.tier.in_(wanted))))
        .scalars()
        .all()
    )
    large = {row.tier for row in kept_rows if row.whole_tier and row.peers > LIVE_UP_TO_ACCOUNTS}
    live = [tier for tier in wanted if tier not in large]
    rows = [row for row in kept_rows if row.tier in large]
    if live:
        rows.extend((await session.execute(_figures(year, live))).all())
    return _book(rows)


async def kept_penetration(
    session: AsyncSession, year: int, owner_id: uuid.UUID | None, tier: str | None, industry: str | None
) -> Sequence[Any] | None:
    """The penetration of a scope of every live account, filtered, as kept (the rows of
    app/whitespace/repository.py ``penetration``); none when it is small enough to compute, or not kept."""
    conditions = [WhitespacePenetration.year == year]
    for column, value in (
        (WhitespacePenetration.owner_id, owner_id),
        (WhitespacePenetration.tier, tier),
        (WhitespacePenetration.industry, industry),
    ):
        if value is not None:
            conditions.append(column == value)
    statement = (
        select(
            WhitespacePenetration.offering_id,
            WhitespacePenetration.status,
            func.sum(WhitespacePenetration.accounts).label("accounts"),
            func.sum(WhitespacePenetration.revenue).label("revenue"),
            func.sum(WhitespacePenetration.key_accounts).label("key_accounts"),
        )
        .where(*conditions)
        .group_by(WhitespacePenetration.offering_id, WhitespacePenetration.status)
    )
    rows = (await session.execute(statement)).all()
    counted = next((row.accounts for row in rows if row.offering_id is None and row.status is None), 0)
    return rows if counted > LIVE_UP_TO_ACCOUNTS else None


async def refresh(session: AsyncSession, year: int) -> int:
    """Compute and keep every figure of ``year``, in place of those kept; answers the rows kept."""
    await session.execute(select(func.pg_advisory_xact_lock(_REFRESH_LOCK)))
    kept = 0
    for model, figures in (
        (PeerBenchmark, _figures(year, TIERS).subquery()),
        (WhitespacePenetration, penetration(_everyone(), year, "owner_id", "tier", "industry").subquery()),
    ):
        await session.execute(delete(model).where(model.year == year))
        statement = select(func.gen_random_uuid(), literal(year), *figures.c)
        columns = ["id", "year", *figures.c.keys()]
        kept += len((await session.execute(insert(model).from_select(columns, statement).returning(model.id))).all())
    return kept


def _everyone() -> Any:
    return (
        select(Account.id, Account.owner_id, Account.tier, Account.industry)
        .where(Account.archived_at.is_(None))
        .cte("scope")
    )


@tasks.periodic(cron=REFRESH_CRON)
@tasks.task(
    name="refresh_whitespace_figures", queue=DEFAULT, queueing_lock="refresh_whitespace_figures", pass_context=True
)
async def refresh_whitespace_figures(context: JobContext, timestamp: int) -> None:
    """Keep the whitespace figures of the latest complete year, as of the tick it was due for."""
    factory: async_sessionmaker[AsyncSession] = context.additional_context["session_factory"]
    async with transaction(factory) as session:
        await refresh(session, datetime.fromtimestamp(timestamp, UTC).year - 1)
