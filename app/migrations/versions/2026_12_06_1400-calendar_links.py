"""Calendar links: a user's personal, revocable, read-only feed of their agenda (only the key's hash).

Revision ID: 4d7a2c9e1b63
Revises: 8c3f1a5e7d29
Create Date: 2026-12-06 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "4d7a2c9e1b63"
down_revision: str | None = "8c3f1a5e7d29"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "calendar_links",
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("user_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.text("statement_timestamp()"), nullable=False
        ),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_calendar_links_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_links")),
    )
    op.create_index("uq_calendar_links_user_id", "calendar_links", ["user_id"], unique=True)
    op.create_index("uq_calendar_links_secret_hash", "calendar_links", ["secret_hash"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_calendar_links_secret_hash", table_name="calendar_links")
    op.drop_index("uq_calendar_links_user_id", table_name="calendar_links")
    op.drop_table("calendar_links")
