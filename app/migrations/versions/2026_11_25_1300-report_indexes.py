"""Indexes the portfolio reports read alone: the ids of the live accounts, and each account's latest
annual revenue with its account id. The index of archival dates keeps only the archived accounts.

Revision ID: 9a4c7f2e5b18
Revises: 6d3b9e1f2a57
Create Date: 2026-11-25 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9a4c7f2e5b18"
down_revision: str | None = "6d3b9e1f2a57"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index(op.f("ix_accounts_archived_at"), table_name="accounts")
    archived = sa.text("archived_at IS NOT NULL")
    op.create_index(op.f("ix_accounts_archived_at"), "accounts", ["archived_at"], postgresql_where=archived)
    op.create_index(op.f("ix_accounts_live_id"), "accounts", ["id"], postgresql_where=sa.text("archived_at IS NULL"))
    op.drop_index(op.f("ix_account_facts_latest_annual_revenue"), table_name="account_facts")
    op.create_index(
        op.f("ix_account_facts_latest_annual_revenue"),
        "account_facts",
        ["latest_annual_revenue"],
        postgresql_include=["account_id"],
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_account_facts_latest_annual_revenue"), table_name="account_facts")
    op.create_index(op.f("ix_account_facts_latest_annual_revenue"), "account_facts", ["latest_annual_revenue"])
    op.drop_index(op.f("ix_accounts_live_id"), table_name="accounts")
    op.drop_index(op.f("ix_accounts_archived_at"), table_name="accounts")
    op.create_index(op.f("ix_accounts_archived_at"), "accounts", ["archived_at"])
