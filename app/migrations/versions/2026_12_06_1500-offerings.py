"""Offerings: the catalog of what the company sells, in families.

Revision ID: 9b2e6f1c4a85
Revises: 4d7a2c9e1b63
Create Date: 2026-12-06 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "9b2e6f1c4a85"
down_revision: str | None = "4d7a2c9e1b63"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE = (
    "account.created",
    "account.updated",
    "account.archived",
    "account.restored",
    "account.tier_changed",
    "account.demotion_pending",
    "account.health_changed",
    "account.review_due",
    "account.review_overdue",
    "account.promotion_candidate",
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
OFFERINGS = ("offering.created", "offering.updated")
AFTER = BEFORE[:13] + OFFERINGS + BEFORE[13:]


def _check(values: Sequence[str]) -> str:
    return "type IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def upgrade() -> None:
    op.create_table(
        "offerings",
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("code", sa.String(length=50), nullable=False),
        sa.Column("family", sa.String(length=100), nullable=True),
        sa.Column("external_id", sa.String(length=200), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.text("statement_timestamp()"), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.text("statement_timestamp()"), nullable=False
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offerings")),
    )
    op.create_index("uq_offerings_code", "offerings", ["code"], unique=True)
    op.create_index("uq_offerings_external_id", "offerings", ["external_id"], unique=True)
    op.create_index("ix_offerings_name_id", "offerings", ["name", "id"])
    op.create_index("ix_offerings_code_id", "offerings", ["code", "id"])
    op.create_index("ix_offerings_created_at_id", "offerings", ["created_at", "id"])
    op.create_index("ix_offerings_updated_at_id", "offerings", ["updated_at", "id"])
    op.drop_constraint(op.f("ck_events_type"), "events", type_="check")
    op.create_check_constraint(op.f("ck_events_type"), "events", _check(AFTER))


def downgrade() -> None:
    op.execute("DELETE FROM events WHERE type IN (" + ", ".join(f"'{value}'" for value in OFFERINGS) + ")")
    op.drop_constraint(op.f("ck_events_type"), "events", type_="check")
    op.create_check_constraint(op.f("ck_events_type"), "events", _check(BEFORE))
    op.drop_table("offerings")
