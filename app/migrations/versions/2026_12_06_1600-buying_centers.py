"""Buying centers: the units of an account that buy on their own (divisions, functions, regions).

Revision ID: 3f8a1d6b2c97
Revises: 9b2e6f1c4a85
Create Date: 2026-12-06 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "3f8a1d6b2c97"
down_revision: str | None = "9b2e6f1c4a85"
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
    "offering.created",
    "offering.updated",
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
CENTERS = ("buying_center.created", "buying_center.updated", "buying_center.deleted")
AFTER = BEFORE[:13] + CENTERS + BEFORE[13:]


def _check(values: Sequence[str]) -> str:
    return "type IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def upgrade() -> None:
    op.create_table(
        "buying_centers",
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("account_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.text("statement_timestamp()"), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.text("statement_timestamp()"), nullable=False
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("kind IN ('division', 'function', 'region')", name=op.f("ck_buying_centers_kind")),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_buying_centers_account_id_accounts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_buying_centers")),
    )
    op.create_index("uq_buying_centers_external_id", "buying_centers", ["external_id"], unique=True)
    op.create_index("uq_buying_centers_account_id_name", "buying_centers", ["account_id", "name"], unique=True)
    op.create_index("ix_buying_centers_account_id_name_id", "buying_centers", ["account_id", "name", "id"])
    op.create_index("ix_buying_centers_updated_at_id", "buying_centers", ["updated_at", "id"])
    op.drop_constraint(op.f("ck_events_type"), "events", type_="check")
    op.create_check_constraint(op.f("ck_events_type"), "events", _check(AFTER))


def downgrade() -> None:
    op.execute("DELETE FROM events WHERE type IN (" + ", ".join(f"'{value}'" for value in CENTERS) + ")")
    op.drop_constraint(op.f("ck_events_type"), "events", type_="check")
    op.create_check_constraint(op.f("ck_events_type"), "events", _check(BEFORE))
    op.drop_table("buying_centers")
