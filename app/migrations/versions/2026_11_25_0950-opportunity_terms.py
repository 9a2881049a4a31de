"""Opportunities carry their agreed terms (discount, payment terms), checked against the tier sales
policy, and a manager's approval of terms beyond it.

Revision ID: 6b2d8f4a1e37
Revises: 3e7b9d1f4a26
Create Date: 2026-11-25 09:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "6b2d8f4a1e37"
down_revision: str | None = "3e7b9d1f4a26"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("opportunities", sa.Column("discount_percent", sa.Numeric(5, 2), nullable=True))
    op.add_column("opportunities", sa.Column("payment_terms_days", sa.Integer(), nullable=True))
    op.add_column("opportunities", sa.Column("exceptions_approved_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("opportunities", sa.Column("exceptions_approved_by", postgresql.UUID(as_uuid=True), nullable=True))
    op.add_column("opportunities", sa.Column("exceptions_approval_reason", sa.Text(), nullable=True))
    op.add_column("opportunities", sa.Column("approved_discount_percent", sa.Numeric(5, 2), nullable=True))
    op.add_column("opportunities", sa.Column("approved_payment_terms_days", sa.Integer(), nullable=True))
    op.create_foreign_key(
        op.f("fk_opportunities_exceptions_approved_by_users"),
        "opportunities",
        "users",
        ["exceptions_approved_by"],
        ["id"],
    )
    op.create_check_constraint(
        op.f("ck_opportunities_discount_percent"), "opportunities", "discount_percent BETWEEN 0 AND 100"
    )
    op.create_check_constraint(
        op.f("ck_opportunities_payment_terms_days"), "opportunities", "payment_terms_days BETWEEN 0 AND 365"
    )


def downgrade() -> None:
    op.drop_constraint(op.f("ck_opportunities_payment_terms_days"), "opportunities", type_="check")
    op.drop_constraint(op.f("ck_opportunities_discount_percent"), "opportunities", type_="check")
    op.drop_constraint(op.f("fk_opportunities_exceptions_approved_by_users"), "opportunities", type_="foreignkey")
    for column in (
        "approved_payment_terms_days",
        "approved_discount_percent",
        "exceptions_approval_reason",
        "exceptions_approved_by",
        "exceptions_approved_at",
        "payment_terms_days",
        "discount_percent",
    ):
        op.drop_column("opportunities", column)
