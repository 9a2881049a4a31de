"""Opportunities name what they would sell (an offering) and, optionally, to which buying center.

Revision ID: 1e7b5c3f9d26
Revises: 6c4d9e2a7f18
Create Date: 2026-12-06 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "1e7b5c3f9d26"
down_revision: str | None = "6c4d9e2a7f18"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("opportunities", sa.Column("offering_id", postgresql.UUID(as_uuid=True), nullable=True))
    op.add_column("opportunities", sa.Column("buying_center_id", postgresql.UUID(as_uuid=True), nullable=True))
    op.create_foreign_key(
        op.f("fk_opportunities_offering_id_offerings"), "opportunities", "offerings", ["offering_id"], ["id"]
    )
    op.create_foreign_key(
        op.f("fk_opportunities_buying_center_id_buying_centers"),
        "opportunities",
        "buying_centers",
        ["buying_center_id"],
        ["id"],
    )
    op.create_index("ix_opportunities_offering_id_account_id", "opportunities", ["offering_id", "account_id"])
    op.create_index("ix_opportunities_buying_center_id", "opportunities", ["buying_center_id"])


def downgrade() -> None:
    op.drop_index("ix_opportunities_buying_center_id", table_name="opportunities")
    op.drop_index("ix_opportunities_offering_id_account_id", table_name="opportunities")
    op.drop_constraint(op.f("fk_opportunities_buying_center_id_buying_centers"), "opportunities", type_="foreignkey")
    op.drop_constraint(op.f("fk_opportunities_offering_id_offerings"), "opportunities", type_="foreignkey")
    op.drop_column("opportunities", "buying_center_id")
    op.drop_column("opportunities", "offering_id")
