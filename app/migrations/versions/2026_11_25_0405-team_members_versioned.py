"""Account team members carry a version, so changing or removing one honours If-Match like every
other record.

Revision ID: 5c8d0e1f2a34
Revises: 9a4e2c7b5d10
Create Date: 2026-11-25 04:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5c8d0e1f2a34"
down_revision: str | None = "9a4e2c7b5d10"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing members start at version 1, as a new one does.
    op.add_column("account_team_members", sa.Column("version", sa.Integer(), server_default="1", nullable=False))
    op.alter_column("account_team_members", "version", server_default=None)


def downgrade() -> None:
    op.drop_column("account_team_members", "version")
