"""Targets: a year's key-account targets and the revenue target per owner.

Revision ID: 4b7e2d9a6c13
Revises: 8d3f6a1c2e57
Create Date: 2026-12-06 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "4b7e2d9a6c13"
down_revision: str | None = "8d3f6a1c2e57"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "targets",
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("key_accounts", sa.Integer(), nullable=True),
        sa.Column("key_revenue_share_percent", sa.Numeric(5, 2), nullable=True),
        sa.Column("key_revenue_growth_percent", sa.Numeric(7, 2), nullable=True),
        sa.Column(
            "owners", postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'[]'::jsonb"), nullable=False
        ),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.text("statement_timestamp()"), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.text("statement_timestamp()"), nullable=False
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_targets")),
    )
    op.create_index("uq_targets_year", "targets", ["year"], unique=True)


def downgrade() -> None:
    op.drop_table("targets")
