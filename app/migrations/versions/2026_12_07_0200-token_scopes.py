"""Token scopes and expiry: what an API token may do within its user's role, and until when. Tokens
made before keep what they could do: reading and writing, and an admin's work for admins' tokens.

Revision ID: 7d3f9a2b6c18
Revises: 5e2b8c4a1f07
Create Date: 2026-12-07 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "7d3f9a2b6c18"
down_revision: str | None = "5e2b8c4a1f07"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("api_tokens", sa.Column("scopes", postgresql.ARRAY(sa.String(10)), nullable=True))
    op.add_column("api_tokens", sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(
        "UPDATE api_tokens SET scopes = CASE WHEN users.role = 'admin' THEN ARRAY['read', 'write', 'admin'] "
        "ELSE ARRAY['read', 'write'] END FROM users WHERE users.id = api_tokens.user_id"
    )
    op.alter_column("api_tokens", "scopes", nullable=False)
    op.create_check_constraint(
        op.f("ck_api_tokens_scopes"),
        "api_tokens",
        "scopes <@ ARRAY['read', 'write', 'admin']::varchar[] AND 'read' = ANY(scopes)",
    )


def downgrade() -> None:
    op.drop_constraint(op.f("ck_api_tokens_scopes"), "api_tokens", type_="check")
    op.drop_column("api_tokens", "expires_at")
    op.drop_column("api_tokens", "scopes")
