"""The kept views the at-risk and reviews-due reports count and rank, read from indexes alone: the
signal count kept by the database beside the signals, and an index of each view's health and of its
next review, each with what tells whether the view still holds.

Revision ID: 3b7d9f1e6c24
Revises: 7e2a4c6b8d15
Create Date: 2026-11-25 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3b7d9f1e6c24"
down_revision: str | None = "7e2a4c6b8d15"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_HOLDS = ["account_id", "judged_until", "judged_rules_version"]


def upgrade() -> None:
    op.add_column(
        "account_facts",
        sa.Column(
            "judged_signal_count",
            sa.Integer(),
            sa.Computed("cardinality(judged_signals)", persisted=True),
            nullable=True,
        ),
    )
    op.create_index(
        "ix_account_facts_kept_health",
        "account_facts",
        ["judged_health", "judged_signal_count"],
        postgresql_include=_HOLDS,
    )
    op.create_index(
        "ix_account_facts_kept_review_due", "account_facts", ["judged_next_review_due"], postgresql_include=_HOLDS
    )


def downgrade() -> None:
    op.drop_index("ix_account_facts_kept_review_due", table_name="account_facts")
    op.drop_index("ix_account_facts_kept_health", table_name="account_facts")
    op.drop_column("account_facts", "judged_signal_count")
