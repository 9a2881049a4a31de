"""A judged view records until when it holds, the rules version it was judged with and its next
review's due date: reports read a view that still holds, and the clock judges again only the views
whose time has come.

Revision ID: 6d3b9e1f2a57
Revises: 4a7e2c9d1b63
Create Date: 2026-11-25 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "6d3b9e1f2a57"
down_revision: str | None = "4a7e2c9d1b63"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Views judged before hold until nothing: the clock's next tick judges them all again.
    op.add_column("account_facts", sa.Column("judged_until", sa.DateTime(timezone=True), nullable=True))
    op.add_column("account_facts", sa.Column("judged_rules_version", sa.Integer(), nullable=True))
    op.add_column("account_facts", sa.Column("judged_next_review_due", sa.Date(), nullable=True))
    op.create_index(op.f("ix_account_facts_judged_until"), "account_facts", ["judged_until"])
    op.create_index(op.f("ix_account_facts_judged_rules_version"), "account_facts", ["judged_rules_version"])


def downgrade() -> None:
    op.drop_index(op.f("ix_account_facts_judged_rules_version"), table_name="account_facts")
    op.drop_index(op.f("ix_account_facts_judged_until"), table_name="account_facts")
    op.drop_column("account_facts", "judged_next_review_due")
    op.drop_column("account_facts", "judged_rules_version")
    op.drop_column("account_facts", "judged_until")
