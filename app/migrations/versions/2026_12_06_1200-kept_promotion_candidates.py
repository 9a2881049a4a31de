"""The kept promotion candidates have an index of their own: the promotion_candidate filter reads
the few candidates from it, whatever the planner estimates of the rest.

Revision ID: 6e1b9d3f5a72
Revises: 4a8c2e6f9b17
Create Date: 2026-12-06 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "6e1b9d3f5a72"
down_revision: str | None = "4a8c2e6f9b17"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_account_facts_kept_promotion_candidate",
        "account_facts",
        ["account_id"],
        postgresql_include=["judged_until", "judged_rules_version"],
        postgresql_where=sa.text("judged_promotion_candidate"),
    )


def downgrade() -> None:
    op.drop_index("ix_account_facts_kept_promotion_candidate", table_name="account_facts")
