"""Whitespace figures kept for large portfolios: what peers buy (per year, tier and industry), and
the penetration of each offering (per year, owner, tier and industry).

Revision ID: 8d3f6a1c2e57
Revises: 5a9c2e7d3b14
Create Date: 2026-12-06 20:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "8d3f6a1c2e57"
down_revision: str | None = "5a9c2e7d3b14"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "peer_benchmarks",
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("tier", sa.Text(), nullable=False),
        sa.Column("whole_tier", sa.Boolean(), nullable=False),
        sa.Column("industry", sa.Text(), nullable=True),
        sa.Column("peers", sa.Integer(), nullable=False),
        sa.Column("offering_id", postgresql.UUID(as_uuid=True), nullable=True),
        sa.Column("buyers", sa.Integer(), nullable=True),
        sa.Column("median_spent", sa.Numeric(), nullable=True),
        sa.Column("median_size", sa.Numeric(), nullable=True),
        sa.Column(
            "computed_at", sa.DateTime(timezone=True), server_default=sa.text("statement_timestamp()"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["offering_id"],
            ["offerings.id"],
            name=op.f("fk_peer_benchmarks_offering_id_offerings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_peer_benchmarks")),
    )
    op.create_index("ix_peer_benchmarks_year_tier", "peer_benchmarks", ["year", "tier"])
    op.create_table(
        "whitespace_penetration",
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("owner_id", postgresql.UUID(as_uuid=True), nullable=True),
        sa.Column("tier", sa.Text(), nullable=True),
        sa.Column("industry", sa.Text(), nullable=True),
        sa.Column("offering_id", postgresql.UUID(as_uuid=True), nullable=True),
        sa.Column("status", sa.Text(), nullable=True),
        sa.Column("accounts", sa.Integer(), nullable=False),
        sa.Column("revenue", sa.Numeric(), nullable=False),
        sa.Column("key_accounts", sa.Integer(), nullable=False),
        sa.Column(
            "computed_at", sa.DateTime(timezone=True), server_default=sa.text("statement_timestamp()"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["offering_id"],
            ["offerings.id"],
            name=op.f("fk_whitespace_penetration_offering_id_offerings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_whitespace_penetration_owner_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_whitespace_penetration")),
    )
    op.create_index("ix_whitespace_penetration_year", "whitespace_penetration", ["year"])


def downgrade() -> None:
    op.drop_table("whitespace_penetration")
    op.drop_table("peer_benchmarks")
