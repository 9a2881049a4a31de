"""The event outbox: one row per meaningful change, written in the transaction that makes it, with
the writing transaction's id so the feed never passes an event that commits late.

Revision ID: 4a1d7c3e9b20
Revises: 7e2f4a6b8c90
Create Date: 2026-11-25 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "4a1d7c3e9b20"
down_revision: str | None = "7e2f4a6b8c90"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The event types of this revision, as its CHECK constraint holds them (later revisions change it).
EVENT_TYPES = (
    "account.created",
    "account.updated",
    "account.archived",
    "account.restored",
    "account.tier_changed",
    "account.demotion_pending",
    "contact.created",
    "contact.updated",
    "contact.deleted",
    "opportunity.created",
    "opportunity.updated",
    "opportunity.stage_changed",
    "opportunity.won",
    "opportunity.lost",
    "plan.activated",
    "interaction.created",
    "review.created",
    "rules.changed",
)


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("seq", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column(
            "transaction_id",
            sa.BigInteger(),
            server_default=sa.text("pg_current_xact_id()::text::bigint"),
            nullable=False,
        ),
        sa.Column("type", sa.String(length=50), nullable=False),
        sa.Column(
            "occurred_at", sa.DateTime(timezone=True), server_default=sa.text("statement_timestamp()"), nullable=False
        ),
        sa.Column("account_id", postgresql.UUID(as_uuid=True), nullable=True),
        sa.Column("entity_type", sa.String(length=50), nullable=False),
        sa.Column("entity_id", sa.String(length=100), nullable=False),
        sa.Column("entity_version", sa.Integer(), nullable=True),
        sa.Column("data", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.CheckConstraint(
            "type IN (" + ", ".join(f"'{value}'" for value in EVENT_TYPES) + ")", name=op.f("ck_events_type")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
        sa.UniqueConstraint("seq", name=op.f("uq_events_seq")),
    )
    op.create_index("ix_events_transaction_id_seq", "events", ["transaction_id", "seq"])
    op.create_index("ix_events_account_id_transaction_id_seq", "events", ["account_id", "transaction_id", "seq"])
    op.create_index("ix_events_type_transaction_id_seq", "events", ["type", "transaction_id", "seq"])


def downgrade() -> None:
    op.drop_table("events")
