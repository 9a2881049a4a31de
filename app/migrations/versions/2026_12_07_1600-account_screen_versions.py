"""How many times the records each account's screen shows were written, so a screen read again
reads them only when they changed. Accounts start with no row: their count is 0 until a write.

Revision ID: 3a8c5e1f9d24
Revises: 7d3f9a2b6c18
Create Date: 2026-12-07 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "3a8c5e1f9d24"
down_revision: str | None = "7d3f9a2b6c18"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "account_screen_versions",
        sa.Column("account_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_account_screen_versions_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_account_screen_versions")),
    )


def downgrade() -> None:
    op.drop_table("account_screen_versions")
