"""Follow-ups become records of their own, kept on purpose: open until marked done or dropped, or
until an interaction that names them is recorded.

Revision ID: 4a8c2e6f9b17
Revises: 9d4f2a7c1e38
Create Date: 2026-12-06 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "4a8c2e6f9b17"
down_revision: str | None = "9d4f2a7c1e38"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "follow_ups",
        sa.Column("account_id", sa.UUID(), nullable=False),
        sa.Column("interaction_id", sa.UUID(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=10), server_default=sa.text("'open'"), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_by", sa.UUID(), nullable=True),
        sa.Column("kept_by_interaction_id", sa.UUID(), nullable=True),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.text("statement_timestamp()"), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.text("statement_timestamp()"), nullable=False
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("status IN ('open', 'done', 'dropped')", name=op.f("ck_follow_ups_status")),
        sa.CheckConstraint("(status = 'open') = (done_at IS NULL)", name=op.f("ck_follow_ups_done_at_when_closed")),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name=op.f("fk_follow_ups_account_id_accounts")),
        sa.ForeignKeyConstraint(["done_by"], ["users.id"], name=op.f("fk_follow_ups_done_by_users")),
        sa.ForeignKeyConstraint(
            ["interaction_id"],
            ["interactions.id"],
            name=op.f("fk_follow_ups_interaction_id_interactions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["kept_by_interaction_id"],
            ["interactions.id"],
            name=op.f("fk_follow_ups_kept_by_interaction_id_interactions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_ups")),
    )
    op.create_index("uq_follow_ups_interaction_id", "follow_ups", ["interaction_id"], unique=True)
    op.create_index("ix_follow_ups_status_due_at_id", "follow_ups", ["status", "due_at", "id"])
    op.create_index("ix_follow_ups_account_id_status_due_at", "follow_ups", ["account_id", "status", "due_at"])
    op.create_index("ix_follow_ups_kept_by_interaction_id", "follow_ups", ["kept_by_interaction_id"])
    # Every promise made so far: open while no later interaction was recorded (as the service read
    # them until now), done by the first later one otherwise.
    op.execute(
        """
        INSERT INTO follow_ups (id, account_id, interaction_id, due_at, status, done_at,
                                kept_by_interaction_id, version, created_at, updated_at)
        SELECT gen_random_uuid(), i.account_id, i.id, i.next_contact_at,
               CASE WHEN kept.id IS NULL THEN 'open' ELSE 'done' END, kept.occurred_at, kept.id,
               1, i.created_at, statement_timestamp()
        FROM interactions AS i
        LEFT JOIN LATERAL (
            SELECT later.id, later.occurred_at FROM interactions AS later
            WHERE later.account_id = i.account_id AND later.occurred_at > i.occurred_at
            ORDER BY later.occurred_at, later.id LIMIT 1
        ) AS kept ON true
        WHERE i.next_contact_at IS NOT NULL
        """
    )
    op.drop_index("ix_interactions_next_contact_at_id", table_name="interactions")


def downgrade() -> None:
    op.create_index(
        "ix_interactions_next_contact_at_id",
        "interactions",
        ["next_contact_at", "id"],
        postgresql_where=sa.text("next_contact_at IS NOT NULL"),
    )
    op.drop_table("follow_ups")
