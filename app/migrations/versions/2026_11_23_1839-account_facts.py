"""Account facts: what the rules need beyond the account row, kept current on every write.

Rows for existing accounts are filled in by ``kam migrate`` after the upgrade.

Revision ID: 278e6c82abcd
Revises: fd1196178d76
Create Date: 2026-11-23 18:39:52.914174
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "278e6c82abcd"
down_revision: str | None = "fd1196178d76"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "account_facts",
        sa.Column("account_id", sa.UUID(), nullable=False),
        sa.Column("team_size", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("last_interaction_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_review_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_maker_engaged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("has_champion_or_supporter", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("has_influential_opponent", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("key_contact_left_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("latest_annual_revenue", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("latest_annual_cost", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("previous_annual_revenue", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("revenue_change_percent", sa.Numeric(precision=8, scale=1), nullable=True),
        sa.Column("revenue_period", sa.String(length=7), nullable=True),
        sa.Column("previous_revenue_period", sa.String(length=7), nullable=True),
        sa.Column("revenue", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("previous_revenue", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column(
            "engagement_values",
            postgresql.ARRAY(sa.Numeric(precision=3, scale=1)),
            server_default=sa.text("'{}'::numeric[]"),
            nullable=False,
        ),
        sa.Column("latest_improvement", sa.Numeric(precision=3, scale=1), nullable=True),
        sa.Column("has_active_plan", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_account_facts_account_id_accounts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_account_facts")),
    )
    op.create_index("ix_account_facts_latest_annual_revenue", "account_facts", ["latest_annual_revenue"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_account_facts_latest_annual_revenue", table_name="account_facts")
    op.drop_table("account_facts")
