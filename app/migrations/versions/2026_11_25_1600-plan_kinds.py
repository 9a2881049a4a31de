"""Plans have a kind (standard, growth, recovery), and the facts keep what the no_recovery_plan signal
reads: whether the active plan is a recovery plan, and since when the revenue change is known.

Revision ID: 7e2a4c6b8d15
Revises: 5c1e8b7d3f92
Create Date: 2026-11-25 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7e2a4c6b8d15"
down_revision: str | None = "5c1e8b7d3f92"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "plans", sa.Column("kind", sa.String(length=10), server_default=sa.text("'standard'"), nullable=False)
    )
    op.create_check_constraint(op.f("ck_plans_kind"), "plans", "kind IN ('standard', 'growth', 'recovery')")
    op.create_index(op.f("ix_plans_kind"), "plans", ["kind"])
    op.add_column(
        "account_facts",
        sa.Column("has_active_recovery_plan", sa.Boolean(), server_default=sa.text("false"), nullable=False),
    )
    op.add_column("account_facts", sa.Column("revenue_changed_at", sa.DateTime(timezone=True), nullable=True))
    # Facts kept so far have no time for their revenue change: the figures' last writes give it.
    op.execute(
        """
        UPDATE account_facts AS f SET revenue_changed_at = (
            SELECT max(fin.updated_at) FROM financials AS fin
            WHERE fin.account_id = f.account_id AND fin.period IN (f.revenue_period, f.previous_revenue_period)
        )
        WHERE f.revenue_period IS NOT NULL
        """
    )
    # A new signal: the views kept so far were judged without it.
    op.execute("UPDATE account_facts SET judged_until = NULL")


def downgrade() -> None:
    op.drop_column("account_facts", "revenue_changed_at")
    op.drop_column("account_facts", "has_active_recovery_plan")
    op.drop_index(op.f("ix_plans_kind"), table_name="plans")
    op.drop_constraint(op.f("ck_plans_kind"), "plans", type_="check")
    op.drop_column("plans", "kind")
