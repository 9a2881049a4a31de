"""Revenue has a service part: financials take the service revenue of each period (never above its
revenue), and the facts keep that of the latest year, for the account's service share.

Revision ID: 5c1e8b7d3f92
Revises: 2f8d6a3c9e41
Create Date: 2026-11-25 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5c1e8b7d3f92"
down_revision: str | None = "2f8d6a3c9e41"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("financials", sa.Column("service_revenue", sa.Numeric(18, 2), nullable=True))
    op.create_check_constraint(
        op.f("ck_financials_service_within_revenue"), "financials", "service_revenue BETWEEN 0 AND revenue"
    )
    op.add_column("account_facts", sa.Column("latest_annual_service_revenue", sa.Numeric(18, 2), nullable=True))
    # The pyramid reads the service part beside the revenue, from the index alone.
    op.drop_index(op.f("ix_account_facts_latest_annual_revenue"), table_name="account_facts")
    op.create_index(
        op.f("ix_account_facts_latest_annual_revenue"),
        "account_facts",
        ["latest_annual_revenue"],
        postgresql_include=["account_id", "latest_annual_service_revenue"],
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_account_facts_latest_annual_revenue"), table_name="account_facts")
    op.create_index(
        op.f("ix_account_facts_latest_annual_revenue"),
        "account_facts",
        ["latest_annual_revenue"],
        postgresql_include=["account_id"],
    )
    op.drop_column("account_facts", "latest_annual_service_revenue")
    op.drop_constraint(op.f("ck_financials_service_within_revenue"), "financials", type_="check")
    op.drop_column("financials", "service_revenue")
