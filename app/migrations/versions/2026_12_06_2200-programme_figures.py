"""Programme figures: the rows of the programme's grouped statements kept per year for large portfolios,
and the deals won per day for commission.

Revision ID: 9c5a1e8f4d22
Revises: 4b7e2d9a6c13
Create Date: 2026-12-06 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "9c5a1e8f4d22"
down_revision: str | None = "4b7e2d9a6c13"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "programme_figures",
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("rows", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("as_of", sa.DateTime(timezone=True), server_default=sa.text("statement_timestamp()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_figures")),
    )
    op.create_index("uq_programme_figures_name_year", "programme_figures", ["name", "year"], unique=True)
    op.create_table(
        "won_by_day",
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("owner_id", postgresql.UUID(as_uuid=True), nullable=True),
        sa.Column("tier", sa.Text(), nullable=True),
        sa.Column("deals", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_won_by_day")),
    )
    op.create_index("ix_won_by_day_day", "won_by_day", ["day"])


def downgrade() -> None:
    op.drop_table("won_by_day")
    op.drop_table("programme_figures")
