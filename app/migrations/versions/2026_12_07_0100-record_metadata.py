"""Record metadata: the CRM's own fields on accounts, contacts and opportunities, with the GIN index
the metadata filter is answered by; the events already written about them are given the field, empty,
since the feed sends an event's data as it was written.

Revision ID: 5e2b8c4a1f07
Revises: 9c5a1e8f4d22
Create Date: 2026-12-07 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "5e2b8c4a1f07"
down_revision: str | None = "9c5a1e8f4d22"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLES = ("accounts", "contacts", "opportunities")
# The events whose data is an account, a contact or an opportunity as read ...
_RECORD_EVENTS = (
    "account.created",
    "account.updated",
    "account.archived",
    "account.restored",
    "account.demotion_pending",
    "contact.created",
    "contact.updated",
    "contact.deleted",
    "opportunity.created",
    "opportunity.updated",
    "opportunity.stage_changed",
    "opportunity.won",
    "opportunity.lost",
)
# ... and those whose data holds the account judged.
_JUDGED_EVENTS = (
    "account.health_changed",
    "account.review_due",
    "account.review_overdue",
    "account.promotion_candidate",
)


def _listed(types: tuple[str, ...]) -> str:
    return ", ".join(f"'{name}'" for name in types)


def upgrade() -> None:
    for table in _TABLES:
        op.add_column(
            table,
            sa.Column(
                "metadata",
                postgresql.JSONB(astext_type=sa.Text()),
                server_default=sa.text("'{}'::jsonb"),
                nullable=False,
            ),
        )
        op.create_index(
            f"ix_{table}_metadata",
            table,
            ["metadata"],
            postgresql_using="gin",
            postgresql_ops={"metadata": "jsonb_path_ops"},
        )
    op.execute(
        f"""
        UPDATE events SET data = data || '{{"metadata": {{}}}}'::jsonb
        WHERE type IN ({_listed(_RECORD_EVENTS)}) AND NOT data ? 'metadata'
        """
    )
    op.execute(
        f"""
        UPDATE events SET data = jsonb_set(data, '{{account,metadata}}', '{{}}'::jsonb)
        WHERE type IN ({_listed(_JUDGED_EVENTS)}) AND NOT data -> 'account' ? 'metadata'
        """
    )


def downgrade() -> None:
    op.execute(f"UPDATE events SET data = data - 'metadata' WHERE type IN ({_listed(_RECORD_EVENTS)})")
    op.execute(f"UPDATE events SET data = data #- '{{account,metadata}}' WHERE type IN ({_listed(_JUDGED_EVENTS)})")
    for table in _TABLES:
        op.drop_index(f"ix_{table}_metadata", table_name=table)
        op.drop_column(table, "metadata")
