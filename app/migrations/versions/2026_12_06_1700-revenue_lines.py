"""Revenue lines: what a period's revenue came from, per offering and (when known) buying center.

Revision ID: 6c4d9e2a7f18
Revises: 3f8a1d6b2c97
Create Date: 2026-12-06 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "6c4d9e2a7f18"
down_revision: str | None = "3f8a1d6b2c97"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "revenue_lines",
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("financial_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("account_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("offering_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("buying_center_id", postgresql.UUID(as_uuid=True), nullable=True),
        sa.Column("revenue", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("service_revenue", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.CheckConstraint("revenue >= 0", name=op.f("ck_revenue_lines_not_negative")),
        sa.CheckConstraint(
            "service_revenue BETWEEN 0 AND revenue", name=op.f("ck_revenue_lines_service_within_revenue")
        ),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name=op.f("fk_revenue_lines_account_id_accounts")),
        sa.ForeignKeyConstraint(
            ["buying_center_id"], ["buying_centers.id"], name=op.f("fk_revenue_lines_buying_center_id_buying_centers")
        ),
        sa.ForeignKeyConstraint(
            ["financial_id"],
            ["financials.id"],
            name=op.f("fk_revenue_lines_financial_id_financials"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["offering_id"], ["offerings.id"], name=op.f("fk_revenue_lines_offering_id_offerings")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revenue_lines")),
    )
    op.create_index("ix_revenue_lines_financial_id", "revenue_lines", ["financial_id"])
    op.create_index("ix_revenue_lines_account_id_offering_id", "revenue_lines", ["account_id", "offering_id"])
    op.create_index("ix_revenue_lines_offering_id_account_id", "revenue_lines", ["offering_id", "account_id"])
    op.create_index("ix_revenue_lines_buying_center_id", "revenue_lines", ["buying_center_id"])


def downgrade() -> None:
    op.drop_table("revenue_lines")
