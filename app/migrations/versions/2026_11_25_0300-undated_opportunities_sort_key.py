"""Undated opportunities sort under 2200-01-01, just past the range of dates the service takes,
instead of 9999-12-31, which the driver sends as 'infinity' (a cursor then skipped undated rows).

Revision ID: 3b7c1d2e9f01
Revises: 278e6c82abcd
Create Date: 2026-11-25 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3b7c1d2e9f01"
down_revision: str | None = "278e6c82abcd"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_opportunities_expected_close_date_id"


def _index_on(fallback: str) -> None:
    op.drop_index(INDEX, table_name="opportunities")
    op.create_index(
        INDEX, "opportunities", [sa.literal_column(f"coalesce(expected_close_date, '{fallback}'::date)"), "id"]
    )


def upgrade() -> None:
    _index_on("2200-01-01")


def downgrade() -> None:
    _index_on("9999-12-31")
