"""Accounts with their scores and tier history, the versioned rules, idempotency records.

``name_trigrams`` backs the case-insensitive "name contains" filter with a GIN index, so the
service needs no extension (the embedded PostgreSQL ships without pg_trgm).

Revision ID: 719283725c34
Revises:
Create Date: 2026-11-23 17:47:51.049755
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "719283725c34"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


NAME_TRIGRAMS = """
CREATE FUNCTION name_trigrams(value text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT coalesce(array_agg(DISTINCT substr(value, i, 3)), '{}')
    FROM generate_series(1, length(value) - 2) AS i
$$
"""


def upgrade() -> None:
    op.execute(NAME_TRIGRAMS)
    op.create_table(
        "accounts",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=True),
        sa.Column("industry", sa.String(length=100), nullable=True),
        sa.Column("region", sa.String(length=100), nullable=True),
        sa.Column("employee_count", sa.Integer(), nullable=True),
        sa.Column("website", sa.String(length=500), nullable=True),
        sa.Column("parent_id", sa.UUID(), nullable=True),
        sa.Column("owner_id", sa.UUID(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column(
            "scores",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("score", sa.Numeric(precision=4, scale=1), nullable=True),
        sa.Column("computed_tier", sa.String(length=10), nullable=True),
        sa.Column("tier", sa.String(length=10), nullable=True),
        sa.Column("tier_assigned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("tier_held_at_computed", sa.String(length=10), nullable=True),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.text("statement_timestamp()"), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.text("statement_timestamp()"), nullable=False
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("computed_tier IN ('key', 'mid', 'small')", name=op.f("ck_accounts_computed_tier")),
        sa.CheckConstraint("status IN ('prospect', 'active', 'churned')", name=op.f("ck_accounts_status")),
        sa.CheckConstraint("tier IN ('key', 'mid', 'small')", name=op.f("ck_accounts_tier")),
        sa.CheckConstraint(
            "tier_held_at_computed IN ('key', 'mid', 'small')", name=op.f("ck_accounts_tier_held_at_computed")
        ),
        sa.CheckConstraint("employee_count >= 0", name=op.f("ck_accounts_employee_count_not_negative")),
        sa.CheckConstraint("parent_id <> id", name=op.f("ck_accounts_not_own_parent")),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["accounts.id"], name=op.f("fk_accounts_parent_id_accounts"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
    )
    op.create_index("ix_accounts_archived_at", "accounts", ["archived_at"], unique=False)
    op.create_index("ix_accounts_computed_tier", "accounts", ["computed_tier"], unique=False)
    op.create_index("ix_accounts_created_at_id", "accounts", ["created_at", "id"], unique=False)
    op.create_index("ix_accounts_industry", "accounts", ["industry"], unique=False)
    op.create_index("ix_accounts_name_id", "accounts", ["name", "id"], unique=False)
    op.create_index(
        "ix_accounts_name_trigrams",
        "accounts",
        [sa.literal_column("name_trigrams(lower(name))")],
        unique=False,
        postgresql_using="gin",
    )
    op.create_index("ix_accounts_owner_id", "accounts", ["owner_id"], unique=False)
    op.create_index("ix_accounts_parent_id", "accounts", ["parent_id"], unique=False)
    op.create_index("ix_accounts_region", "accounts", ["region"], unique=False)
    op.create_index("ix_accounts_score_id", "accounts", [sa.literal_column("coalesce(score, -1)"), "id"], unique=False)
    op.create_index("ix_accounts_status", "accounts", ["status"], unique=False)
    op.create_index("ix_accounts_tier", "accounts", ["tier"], unique=False)
    op.create_index("ix_accounts_updated_at_id", "accounts", ["updated_at", "id"], unique=False)
    op.create_index(
        "uq_accounts_external_id",
        "accounts",
        ["external_id"],
        unique=True,
        postgresql_where=sa.text("external_id IS NOT NULL"),
    )
    op.create_table(
        "idempotency_records",
        sa.Column("operation", sa.String(length=100), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("response_body", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("response_headers", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("operation", "key", name=op.f("pk_idempotency_records")),
    )
    op.create_index(op.f("ix_idempotency_records_created_at"), "idempotency_records", ["created_at"], unique=False)
    op.create_table(
        "rules_versions",
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("document", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("version >= 1", name=op.f("ck_rules_versions_version_positive")),
        sa.PrimaryKeyConstraint("version", name=op.f("pk_rules_versions")),
    )
    op.create_table(
        "tier_changes",
        sa.Column("account_id", sa.UUID(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("from_tier", sa.String(length=10), nullable=True),
        sa.Column("to_tier", sa.String(length=10), nullable=True),
        sa.Column("computed_tier", sa.String(length=10), nullable=True),
        sa.Column("score", sa.Numeric(precision=4, scale=1), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.UUID(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('initial', 'promotion', 'demotion', 'keep', 'set')", name=op.f("ck_tier_changes_kind")
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_tier_changes_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tier_changes")),
    )
    op.create_index(
        "ix_tier_changes_account_id_created_at",
        "tier_changes",
        ["account_id", "created_at", "id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_tier_changes_account_id_created_at", table_name="tier_changes")
    op.drop_table("tier_changes")
    op.drop_table("rules_versions")
    op.drop_index(op.f("ix_idempotency_records_created_at"), table_name="idempotency_records")
    op.drop_table("idempotency_records")
    op.drop_index("uq_accounts_external_id", table_name="accounts", postgresql_where=sa.text("external_id IS NOT NULL"))
    op.drop_index("ix_accounts_updated_at_id", table_name="accounts")
    op.drop_index("ix_accounts_tier", table_name="accounts")
    op.drop_index("ix_accounts_status", table_name="accounts")
    op.drop_index("ix_accounts_score_id", table_name="accounts")
    op.drop_index("ix_accounts_region", table_name="accounts")
    op.drop_index("ix_accounts_parent_id", table_name="accounts")
    op.drop_index("ix_accounts_owner_id", table_name="accounts")
    op.drop_index("ix_accounts_name_trigrams", table_name="accounts", postgresql_using="gin")
    op.drop_index("ix_accounts_name_id", table_name="accounts")
    op.drop_index("ix_accounts_industry", table_name="accounts")
    op.drop_index("ix_accounts_created_at_id", table_name="accounts")
    op.drop_index("ix_accounts_computed_tier", table_name="accounts")
    op.drop_index("ix_accounts_archived_at", table_name="accounts")
    op.drop_table("accounts")
    op.execute("DROP FUNCTION name_trigrams(text)")
