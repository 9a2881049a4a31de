"""Audit entries may carry the reason a use case gave for all it changed (a handover).

Revision ID: 8f1c3a5e7b49
Revises: 6b2d8f4a1e37
Create Date: 2026-11-25 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8f1c3a5e7b49"
down_revision: str | None = "6b2d8f4a1e37"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("audit_entries", sa.Column("reason", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("audit_entries", "reason")
