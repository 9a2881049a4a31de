"""Rules changes re-evaluate accounts in the background: each account records the rules version its
stored score and tiers were computed with, and a job records the re-evaluation's progress.

Revision ID: 4a7e2c9d1b63
Revises: 8f1c3a5e7b49
Create Date: 2026-11-25 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "4a7e2c9d1b63"
down_revision: str | None = "8f1c3a5e7b49"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("accounts", sa.Column("rules_version", sa.Integer(), server_default=sa.text("1"), nullable=False))
    # Until now every rules change re-evaluated every account at once: all are at the newest version.
    op.execute("UPDATE accounts SET rules_version = (SELECT coalesce(max(version), 1) FROM rules_versions)")
    op.create_table(
        "jobs",
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("status", sa.String(length=20), server_default=sa.text("'queued'"), nullable=False),
        sa.Column("rules_version", sa.Integer(), nullable=True),
        sa.Column("accounts_total", sa.Integer(), nullable=True),
        sa.Column("accounts_done", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("requested_by", postgresql.UUID(as_uuid=True), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.text("statement_timestamp()"), nullable=False
        ),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.CheckConstraint("kind IN ('rules_reevaluation')", name=op.f("ck_jobs_kind")),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'succeeded', 'failed', 'superseded')", name=op.f("ck_jobs_status")
        ),
        sa.ForeignKeyConstraint(["requested_by"], ["users.id"], name=op.f("fk_jobs_requested_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
    )
    op.create_index(
        "ix_jobs_unfinished",
        "jobs",
        ["kind", "rules_version"],
        unique=False,
        postgresql_where=sa.text("finished_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_jobs_unfinished", table_name="jobs", postgresql_where=sa.text("finished_at IS NULL"))
    op.drop_table("jobs")
    op.drop_column("accounts", "rules_version")
