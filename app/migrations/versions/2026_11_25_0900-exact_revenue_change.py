"""Revenue change compared exactly: the stored percent, rounded to one place, goes; the rules and
their SQL compare the two revenues themselves (a 9.95 % fall is not a 10 % decline).

Revision ID: 9d4a7c2e5b18
Revises: 5c8e1a3f7d62
Create Date: 2026-11-25 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9d4a7c2e5b18"
down_revision: str | None = "5c8e1a3f7d62"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_column("account_facts", "revenue_change_percent")


def downgrade() -> None:
    op.add_column("account_facts", sa.Column("revenue_change_percent", sa.Numeric(8, 1), nullable=True))
    op.execute(
        "UPDATE account_facts SET revenue_change_percent = "
        "round((revenue - previous_revenue) * 100 / previous_revenue, 1) WHERE previous_revenue > 0"
    )
