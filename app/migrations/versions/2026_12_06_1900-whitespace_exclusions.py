"""Whitespace exclusions: the cells of an account's map a KAM set aside as not eligible, with why.

Revision ID: 5a9c2e7d3b14
Revises: 1e7b5c3f9d26
Create Date: 2026-12-06 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "5a9c2e7d3b14"
down_revision: str | None = "1e7b5c3f9d26"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "whitespace_exclusions",
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("account_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("row_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("offering_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_by", postgresql.UUID(as_uuid=True), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.text("statement_timestamp()"), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.text("statement_timestamp()"), nullable=False
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_whitespace_exclusions_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["decided_by"], ["users.id"], name=op.f("fk_whitespace_exclusions_decided_by_users")),
        sa.ForeignKeyConstraint(
            ["offering_id"], ["offerings.id"], name=op.f("fk_whitespace_exclusions_offering_id_offerings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_whitespace_exclusions")),
    )
    op.create_index(
        "uq_whitespace_exclusions_cell", "whitespace_exclusions", ["account_id", "row_id", "offering_id"], unique=True
    )


def downgrade() -> None:
    op.drop_table("whitespace_exclusions")
