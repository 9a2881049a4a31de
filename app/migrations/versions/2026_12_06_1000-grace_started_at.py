"""The onboarding grace runs from creation and from a promotion to a higher tier, never from a
demotion: accounts keep when it last started over.

Revision ID: 9d4f2a7c1e38
Revises: 3b7d9f1e6c24
Create Date: 2026-12-06 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9d4f2a7c1e38"
down_revision: str | None = "3b7d9f1e6c24"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Tiers from lowest to highest; no tier is below them all.
RANK = "CASE {} WHEN 'small' THEN 0 WHEN 'mid' THEN 1 WHEN 'key' THEN 2 ELSE -1 END"


def upgrade() -> None:
    op.add_column("accounts", sa.Column("grace_started_at", sa.DateTime(timezone=True), nullable=True))
    # The tier history tells when each account was last promoted.
    op.execute(
        f"""
        UPDATE accounts AS a SET grace_started_at = promoted.at
        FROM (
            SELECT account_id, max(created_at) AS at FROM tier_changes
            WHERE {RANK.format("to_tier")} > {RANK.format("from_tier")}
            GROUP BY account_id
        ) AS promoted
        WHERE promoted.account_id = a.id
        """
    )
    # Views kept while a demotion wrongly started a grace are judged again.
    op.execute(
        """
        UPDATE account_facts AS f SET judged_until = NULL
        FROM accounts AS a
        WHERE a.id = f.account_id AND a.tier_assigned_at > coalesce(a.grace_started_at, a.created_at)
        """
    )


def downgrade() -> None:
    op.drop_column("accounts", "grace_started_at")
