"""Every list syncs: team members carry updated_at, and the lists of financials, measurements,
team members, objectives and actions have the indexes of their sort keys (updated_at, and due date
for actions).

Revision ID: 7e2f4a6b8c90
Revises: 5c8d0e1f2a34
Create Date: 2026-11-25 04:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7e2f4a6b8c90"
down_revision: str | None = "5c8d0e1f2a34"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = [
    ("ix_financials_account_id_updated_at", "financials", ["account_id", "updated_at", "id"]),
    ("ix_measurements_account_id_updated_at", "measurements", ["account_id", "updated_at", "id"]),
    ("ix_objectives_plan_id_updated_at", "objectives", ["plan_id", "updated_at", "id"]),
    ("ix_actions_plan_id_updated_at", "actions", ["plan_id", "updated_at", "id"]),
    ("ix_account_team_members_account_id_created_at", "account_team_members", ["account_id", "created_at", "id"]),
    ("ix_account_team_members_account_id_updated_at", "account_team_members", ["account_id", "updated_at", "id"]),
]


def upgrade() -> None:
    op.add_column(
        "account_team_members",
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.text("statement_timestamp()"), nullable=False
        ),
    )
    # Existing members last changed when they joined, as far as anyone knows.
    op.execute("UPDATE account_team_members SET updated_at = created_at")
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)
    op.create_index(
        "ix_actions_plan_id_due_date",
        "actions",
        ["plan_id", sa.literal_column("coalesce(due_date, '2200-01-01'::date)"), "id"],
    )


def downgrade() -> None:
    op.drop_index("ix_actions_plan_id_due_date", table_name="actions")
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
    op.drop_column("account_team_members", "updated_at")
