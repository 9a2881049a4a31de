"""Follow-ups and visit frequency in the stored facts: the oldest promised follow-up not yet kept,
and when the latest interactions took place (as many as a tier policy may ask for), gathered now for
every account; and an index of promised follow-ups by due date.

Revision ID: 3e7b9d1f4a26
Revises: 9d4a7c2e5b18
Create Date: 2026-11-25 09:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "3e7b9d1f4a26"
down_revision: str | None = "9d4a7c2e5b18"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The facts keep this many interaction dates (the most a tier policy may ask for per quarter).
KEPT = 50


def upgrade() -> None:
    op.add_column("account_facts", sa.Column("open_follow_up_due_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column(
        "account_facts",
        sa.Column(
            "recent_interactions",
            postgresql.ARRAY(sa.DateTime(timezone=True)),
            server_default=sa.text("'{}'::timestamptz[]"),
            nullable=False,
        ),
    )
    op.create_index(
        "ix_interactions_next_contact_at_id",
        "interactions",
        ["next_contact_at", "id"],
        postgresql_where=sa.text("next_contact_at IS NOT NULL"),
    )
    op.execute(
        f"""
        UPDATE account_facts AS f SET
            recent_interactions = coalesce(ARRAY(
                SELECT i.occurred_at FROM interactions AS i WHERE i.account_id = f.account_id
                ORDER BY i.occurred_at DESC LIMIT {KEPT}
            ), '{{}}'),
            open_follow_up_due_at = (
                SELECT min(i.next_contact_at) FROM interactions AS i
                WHERE i.account_id = f.account_id AND i.next_contact_at IS NOT NULL
                  AND NOT EXISTS (
                    SELECT 1 FROM interactions AS later
                    WHERE later.account_id = i.account_id AND later.occurred_at > i.occurred_at
                  )
            )
        """
    )


def downgrade() -> None:
    op.drop_index("ix_interactions_next_contact_at_id", table_name="interactions")
    op.drop_column("account_facts", "recent_interactions")
    op.drop_column("account_facts", "open_follow_up_due_at")
