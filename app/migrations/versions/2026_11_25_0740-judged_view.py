"""The judged view: each account's computed view as last judged (health and signals, review due
and overdue, promotion candidacy) and when it last changed, so its changes are told once as events.

Revision ID: 8b5e2f7a1c43
Revises: 4a1d7c3e9b20
Create Date: 2026-11-25 07:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "8b5e2f7a1c43"
down_revision: str | None = "4a1d7c3e9b20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE = (
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
JUDGED = ("account.health_changed", "account.review_due", "account.review_overdue", "account.promotion_candidate")
AFTER = BEFORE[:6] + JUDGED + BEFORE[6:]


def _check(values: Sequence[str]) -> str:
    return "type IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def upgrade() -> None:
    op.drop_constraint(op.f("ck_events_type"), "events", type_="check")
    op.create_check_constraint(op.f("ck_events_type"), "events", _check(AFTER))
    op.add_column("account_facts", sa.Column("judged_health", sa.String(length=10), nullable=True))
    op.add_column("account_facts", sa.Column("judged_signals", postgresql.ARRAY(sa.String(length=50)), nullable=True))
    op.add_column("account_facts", sa.Column("judged_review_due", sa.Boolean(), nullable=True))
    op.add_column("account_facts", sa.Column("judged_review_overdue", sa.Boolean(), nullable=True))
    op.add_column("account_facts", sa.Column("judged_promotion_candidate", sa.Boolean(), nullable=True))
    op.add_column("account_facts", sa.Column("judged_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_account_facts_judged_at_account_id", "account_facts", ["judged_at", "account_id"])


def downgrade() -> None:
    op.drop_index("ix_account_facts_judged_at_account_id", table_name="account_facts")
    for column in (
        "judged_at",
        "judged_promotion_candidate",
        "judged_review_overdue",
        "judged_review_due",
        "judged_signals",
        "judged_health",
    ):
        op.drop_column("account_facts", column)
    op.execute("DELETE FROM events WHERE type IN (" + ", ".join(f"'{value}'" for value in JUDGED) + ")")
    op.drop_constraint(op.f("ck_events_type"), "events", type_="check")
    op.create_check_constraint(op.f("ck_events_type"), "events", _check(BEFORE))
