"""The demo's targets: for this year and the last, set a little above what the portfolio did the
year before, as a director would set them, so the targets report and commission show something real."""

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

# Per year: how many key accounts (a tenth more than now), their share of revenue (five points above
# the year before), growth of 10 %, and each owner's revenue of the year before and 8 % more.
_TARGETS = text(
    """
    WITH revenue AS (
        SELECT f.account_id, f.revenue FROM financials f WHERE f.year = :year - 1 AND f.quarter IS NULL
    ), owners AS (
        SELECT a.owner_id, round(sum(r.revenue) * 1.08, 2) AS revenue
        FROM accounts a JOIN revenue r ON r.account_id = a.id
        WHERE a.owner_id IS NOT NULL AND a.archived_at IS NULL
        GROUP BY a.owner_id
    ), shares AS (
        SELECT count(*) FILTER (WHERE a.tier = 'key') AS keys,
               100 * sum(r.revenue) FILTER (WHERE a.tier = 'key') / nullif(sum(r.revenue), 0) AS key_share
        FROM accounts a LEFT JOIN revenue r ON r.account_id = a.id
        WHERE a.archived_at IS NULL
    )
    INSERT INTO targets (id, year, key_accounts, key_revenue_share_percent, key_revenue_growth_percent, owners, version)
    SELECT gen_random_uuid(), :year, ceil(s.keys * 1.1), least(round(s.key_share + 5, 2), 100), 10,
           coalesce(
               (SELECT jsonb_agg(jsonb_build_object('owner_id', o.owner_id, 'revenue', o.revenue::text)) FROM owners o),
               '[]'::jsonb
           ),
           1
    FROM shares s
    """
)


async def set_targets(session: AsyncSession, this_year: int) -> int:
    for year in (this_year - 1, this_year):
        await session.execute(_TARGETS, {"year": year})
    return 2
