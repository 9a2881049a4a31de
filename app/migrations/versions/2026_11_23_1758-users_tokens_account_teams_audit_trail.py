"""Users, API tokens, sign-in bookkeeping, account teams and the audit trail.

Account owners become users. Owners recorded before users existed are kept as inactive
placeholder users (email ``owner-<id>@unknown.invalid``) for an admin to complete, so no
account loses its owner.

Revision ID: 6d5a88bcb3e8
Revises: 719283725c34
Create Date: 2026-11-23 17:58:34.074329
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "6d5a88bcb3e8"
down_revision: str | None = "719283725c34"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_entries",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column(
            "occurred_at", sa.DateTime(timezone=True), server_default=sa.text("statement_timestamp()"), nullable=False
        ),
        sa.Column("actor_id", sa.UUID(), nullable=True),
        sa.Column("token_id", sa.UUID(), nullable=True),
        sa.Column("action", sa.String(length=50), nullable=False),
        sa.Column("entity_type", sa.String(length=50), nullable=False),
        sa.Column("entity_id", sa.String(length=100), nullable=True),
        sa.Column("account_id", sa.UUID(), nullable=True),
        sa.Column("changes", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("request_id", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entries")),
    )
    op.create_index(
        "ix_audit_entries_account_id_occurred_at", "audit_entries", ["account_id", "occurred_at", "id"], unique=False
    )
    op.create_index("ix_audit_entries_actor_id_occurred_at", "audit_entries", ["actor_id", "occurred_at"], unique=False)
    op.create_index(
        "ix_audit_entries_entity", "audit_entries", ["entity_type", "entity_id", "occurred_at"], unique=False
    )
    op.create_index("ix_audit_entries_occurred_at_id", "audit_entries", ["occurred_at", "id"], unique=False)
    op.create_table(
        "sign_in_failures",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("address", sa.String(length=100), nullable=False),
        sa.Column(
            "occurred_at", sa.DateTime(timezone=True), server_default=sa.text("statement_timestamp()"), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_failures")),
    )
    op.create_index(
        "ix_sign_in_failures_address_occurred_at", "sign_in_failures", ["address", "occurred_at"], unique=False
    )
    op.create_index("ix_sign_in_failures_email_occurred_at", "sign_in_failures", ["email", "occurred_at"], unique=False)
    op.create_table(
        "signing_keys",
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("secret", sa.String(length=200), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.text("statement_timestamp()"), nullable=False
        ),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_signing_keys")),
    )
    op.create_table(
        "users",
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=True),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.text("statement_timestamp()"), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.text("statement_timestamp()"), nullable=False
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("role IN ('admin', 'manager', 'kam', 'viewer')", name=op.f("ck_users_role")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
    )
    op.create_index("ix_users_created_at_id", "users", ["created_at", "id"], unique=False)
    op.create_index("ix_users_name_id", "users", ["name", "id"], unique=False)
    op.create_index("ix_users_role", "users", ["role"], unique=False)
    op.create_index("ix_users_updated_at_id", "users", ["updated_at", "id"], unique=False)
    op.create_index("uq_users_email_lower", "users", [sa.literal_column("lower(email)")], unique=True)
    op.create_table(
        "api_tokens",
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("prefix", sa.String(length=20), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.UUID(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.text("statement_timestamp()"), nullable=False
        ),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_api_tokens_created_by_users")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_api_tokens_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
    )
    op.create_index("ix_api_tokens_user_id_created_at", "api_tokens", ["user_id", "created_at", "id"], unique=False)
    op.create_index("uq_api_tokens_secret_hash", "api_tokens", ["secret_hash"], unique=True)
    op.create_table(
        "account_team_members",
        sa.Column("account_id", sa.UUID(), nullable=False),
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("team_role", sa.String(length=30), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.text("statement_timestamp()"), nullable=False
        ),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.CheckConstraint(
            "team_role IN ('sales', 'marketing', 'solutions', 'support', 'implementation', "
            "'customer_success', 'finance', 'other')",
            name=op.f("ck_account_team_members_team_role"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_account_team_members_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_account_team_members_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_team_members")),
    )
    op.create_index(
        "ix_account_team_members_user_id_account_id", "account_team_members", ["user_id", "account_id"], unique=False
    )
    op.create_index(
        "uq_account_team_members_account_id_user_id", "account_team_members", ["account_id", "user_id"], unique=True
    )
    op.execute(
        """
        INSERT INTO users (id, email, name, role, active, version)
        SELECT DISTINCT owner_id, 'owner-' || owner_id || '@unknown.invalid',
               'Unknown owner ' || left(owner_id::text, 8), 'kam', false, 1
        FROM accounts WHERE owner_id IS NOT NULL
        """
    )
    op.add_column("accounts", sa.Column("executive_sponsor_id", sa.UUID(), nullable=True))
    op.create_index("ix_accounts_executive_sponsor_id", "accounts", ["executive_sponsor_id"], unique=False)
    op.create_foreign_key(op.f("fk_accounts_owner_id_users"), "accounts", "users", ["owner_id"], ["id"])
    op.create_foreign_key(
        op.f("fk_accounts_executive_sponsor_id_users"), "accounts", "users", ["executive_sponsor_id"], ["id"]
    )


def downgrade() -> None:
    op.drop_constraint(op.f("fk_accounts_executive_sponsor_id_users"), "accounts", type_="foreignkey")
    op.drop_constraint(op.f("fk_accounts_owner_id_users"), "accounts", type_="foreignkey")
    op.drop_index("ix_accounts_executive_sponsor_id", table_name="accounts")
    op.drop_column("accounts", "executive_sponsor_id")
    op.drop_index("uq_account_team_members_account_id_user_id", table_name="account_team_members")
    op.drop_index("ix_account_team_members_user_id_account_id", table_name="account_team_members")
    op.drop_table("account_team_members")
    op.drop_index("uq_api_tokens_secret_hash", table_name="api_tokens")
    op.drop_index("ix_api_tokens_user_id_created_at", table_name="api_tokens")
    op.drop_table("api_tokens")
    op.drop_index("uq_users_email_lower", table_name="users")
    op.drop_index("ix_users_updated_at_id", table_name="users")
    op.drop_index("ix_users_role", table_name="users")
    op.drop_index("ix_users_name_id", table_name="users")
    op.drop_index("ix_users_created_at_id", table_name="users")
    op.drop_table("users")
    op.drop_table("signing_keys")
    op.drop_index("ix_sign_in_failures_email_occurred_at", table_name="sign_in_failures")
    op.drop_index("ix_sign_in_failures_address_occurred_at", table_name="sign_in_failures")
    op.drop_table("sign_in_failures")
    op.drop_index("ix_audit_entries_occurred_at_id", table_name="audit_entries")
    op.drop_index("ix_audit_entries_entity", table_name="audit_entries")
    op.drop_index("ix_audit_entries_actor_id_occurred_at", table_name="audit_entries")
    op.drop_index("ix_audit_entries_account_id_occurred_at", table_name="audit_entries")
    op.drop_table("audit_entries")
