"""The account's world: contacts, opportunities, plans with objectives and actions, interactions,
reviews, financials and measurements. Every table carries ``account_id``.

Revision ID: fd1196178d76
Revises: 6d5a88bcb3e8
Create Date: 2026-11-23 18:16:50.560810
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "fd1196178d76"
down_revision: str | None = "6d5a88bcb3e8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "contacts",
        sa.Column("account_id", sa.UUID(), nullable=False),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("last_name", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("department", sa.String(length=200), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("phone", sa.String(length=50), nullable=True),
        sa.Column(
            "buying_roles",
            postgresql.ARRAY(sa.String(length=30)),
            server_default=sa.text("'{}'::varchar[]"),
            nullable=False,
        ),
        sa.Column("attitude", sa.String(length=20), nullable=False),
        sa.Column("influence", sa.String(length=10), nullable=False),
        sa.Column("relationship_strength", sa.String(length=10), nullable=False),
        sa.Column("reports_to_id", sa.UUID(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("left_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("interests", sa.Text(), nullable=True),
        sa.Column("background", sa.Text(), nullable=True),
        sa.Column("external_id", sa.String(length=200), nullable=True),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.text("statement_timestamp()"), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.text("statement_timestamp()"), nullable=False
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "attitude IN ('champion', 'supporter', 'neutral', 'skeptic', 'opponent')", name=op.f("ck_contacts_attitude")
        ),
        sa.CheckConstraint(
            "buying_roles <@ ARRAY['decision_maker', 'economic_buyer', 'executive_sponsor', 'technical_evaluator', "
            "'user', 'procurement', 'legal', 'influencer', 'coach', 'gatekeeper', 'other']::varchar[]",
            name=op.f("ck_contacts_buying_roles"),
        ),
        sa.CheckConstraint("influence IN ('high', 'medium', 'low')", name=op.f("ck_contacts_influence")),
        sa.CheckConstraint(
            "relationship_strength IN ('none', 'weak', 'medium', 'strong')",
            name=op.f("ck_contacts_relationship_strength"),
        ),
        sa.CheckConstraint("status IN ('active', 'left')", name=op.f("ck_contacts_status")),
        sa.CheckConstraint("reports_to_id <> id", name=op.f("ck_contacts_not_own_manager")),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name=op.f("fk_contacts_account_id_accounts")),
        sa.ForeignKeyConstraint(["reports_to_id"], ["contacts.id"], name=op.f("fk_contacts_reports_to_id_contacts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contacts")),
    )
    op.create_index("ix_contacts_account_id_last_name", "contacts", ["account_id", "last_name", "id"], unique=False)
    op.create_index("ix_contacts_attitude", "contacts", ["attitude"], unique=False)
    op.create_index("ix_contacts_buying_roles", "contacts", ["buying_roles"], unique=False, postgresql_using="gin")
    op.create_index("ix_contacts_created_at_id", "contacts", ["created_at", "id"], unique=False)
    op.create_index("ix_contacts_influence", "contacts", ["influence"], unique=False)
    op.create_index("ix_contacts_last_name_id", "contacts", ["last_name", "id"], unique=False)
    op.create_index("ix_contacts_reports_to_id", "contacts", ["reports_to_id"], unique=False)
    op.create_index("ix_contacts_status", "contacts", ["status"], unique=False)
    op.create_index("ix_contacts_updated_at_id", "contacts", ["updated_at", "id"], unique=False)
    op.create_index(
        "uq_contacts_external_id",
        "contacts",
        ["external_id"],
        unique=True,
        postgresql_where=sa.text("external_id IS NOT NULL"),
    )
    op.create_table(
        "financials",
        sa.Column("account_id", sa.UUID(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.Integer(), nullable=True),
        sa.Column("revenue", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("cost_to_serve", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.text("statement_timestamp()"), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.text("statement_timestamp()"), nullable=False
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("period ~ '^[0-9]{4}(-Q[1-4])?$'", name=op.f("ck_financials_period_format")),
        sa.CheckConstraint("quarter BETWEEN 1 AND 4", name=op.f("ck_financials_quarter_range")),
        sa.CheckConstraint("revenue >= 0 AND cost_to_serve >= 0", name=op.f("ck_financials_not_negative")),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name=op.f("fk_financials_account_id_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_financials")),
    )
    op.create_index("ix_financials_account_id_year", "financials", ["account_id", "year", "quarter"], unique=False)
    op.create_index("uq_financials_account_id_period", "financials", ["account_id", "period"], unique=True)
    op.create_table(
        "interactions",
        sa.Column("account_id", sa.UUID(), nullable=False),
        sa.Column("type", sa.String(length=10), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.Column("next_steps", sa.Text(), nullable=True),
        sa.Column("next_contact_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("external_id", sa.String(length=200), nullable=True),
        sa.Column("contact_ids", postgresql.ARRAY(sa.UUID()), server_default=sa.text("'{}'::uuid[]"), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.text("statement_timestamp()"), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.text("statement_timestamp()"), nullable=False
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "purpose IN ('close_deal', 'relationship', 'progress_check', 'solution', 'market_research')",
            name=op.f("ck_interactions_purpose"),
        ),
        sa.CheckConstraint("type IN ('visit', 'call', 'meeting', 'email', 'event')", name=op.f("ck_interactions_type")),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name=op.f("fk_interactions_account_id_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interactions")),
    )
    op.create_index(
        "ix_interactions_account_id_occurred_at", "interactions", ["account_id", "occurred_at", "id"], unique=False
    )
    op.create_index(
        "ix_interactions_contact_ids", "interactions", ["contact_ids"], unique=False, postgresql_using="gin"
    )
    op.create_index("ix_interactions_created_at_id", "interactions", ["created_at", "id"], unique=False)
    op.create_index("ix_interactions_occurred_at_id", "interactions", ["occurred_at", "id"], unique=False)
    op.create_index("ix_interactions_purpose", "interactions", ["purpose"], unique=False)
    op.create_index("ix_interactions_type", "interactions", ["type"], unique=False)
    op.create_index("ix_interactions_updated_at_id", "interactions", ["updated_at", "id"], unique=False)
    op.create_index(
        "uq_interactions_external_id",
        "interactions",
        ["external_id"],
        unique=True,
        postgresql_where=sa.text("external_id IS NOT NULL"),
    )
    op.create_table(
        "measurements",
        sa.Column("account_id", sa.UUID(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("value", sa.Numeric(precision=3, scale=1), nullable=False),
        sa.Column("measured_at", sa.Date(), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.text("statement_timestamp()"), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.text("statement_timestamp()"), nullable=False
        ),
        sa.CheckConstraint("kind IN ('engagement', 'loyalty', 'improvement')", name=op.f("ck_measurements_kind")),
        sa.CheckConstraint("value BETWEEN 0 AND 10", name=op.f("ck_measurements_value_range")),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name=op.f("fk_measurements_account_id_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measurements")),
    )
    op.create_index(
        "ix_measurements_account_id_kind_measured_at",
        "measurements",
        ["account_id", "kind", "measured_at", "id"],
        unique=False,
    )
    op.create_index(
        "ix_measurements_account_id_measured_at", "measurements", ["account_id", "measured_at", "id"], unique=False
    )
    op.create_table(
        "opportunities",
        sa.Column("account_id", sa.UUID(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("probability", sa.Integer(), nullable=True),
        sa.Column("expected_close_date", sa.Date(), nullable=True),
        sa.Column("owner_id", sa.UUID(), nullable=True),
        sa.Column(
            "competitors",
            postgresql.ARRAY(sa.String(length=200)),
            server_default=sa.text("'{}'::varchar[]"),
            nullable=False,
        ),
        sa.Column("next_step", sa.Text(), nullable=True),
        sa.Column("loss_reason", sa.Text(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("external_id", sa.String(length=200), nullable=True),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.text("statement_timestamp()"), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.text("statement_timestamp()"), nullable=False
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "stage <> 'closed_lost' OR loss_reason IS NOT NULL", name=op.f("ck_opportunities_lost_has_reason")
        ),
        sa.CheckConstraint(
            "stage IN ('prospecting', 'qualification', 'needs_analysis', 'proposal', 'negotiation', "
            "'closed_won', 'closed_lost')",
            name=op.f("ck_opportunities_stage"),
        ),
        sa.CheckConstraint(
            "type IN ('new_business', 'upsell', 'cross_sell', 'renewal')", name=op.f("ck_opportunities_type")
        ),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_opportunities_amount_not_negative")),
        sa.CheckConstraint("probability BETWEEN 0 AND 100", name=op.f("ck_opportunities_probability_percent")),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name=op.f("fk_opportunities_account_id_accounts")),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name=op.f("fk_opportunities_owner_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opportunities")),
    )
    op.create_index("ix_opportunities_account_id", "opportunities", ["account_id", "created_at", "id"], unique=False)
    op.create_index("ix_opportunities_amount_id", "opportunities", ["amount", "id"], unique=False)
    op.create_index("ix_opportunities_closed_at", "opportunities", ["closed_at"], unique=False)
    op.create_index("ix_opportunities_created_at_id", "opportunities", ["created_at", "id"], unique=False)
    op.create_index(
        "ix_opportunities_expected_close_date_id",
        "opportunities",
        [sa.literal_column("coalesce(expected_close_date, '9999-12-31'::date)"), "id"],
        unique=False,
    )
    op.create_index("ix_opportunities_name_id", "opportunities", ["name", "id"], unique=False)
    op.create_index("ix_opportunities_owner_id", "opportunities", ["owner_id"], unique=False)
    op.create_index("ix_opportunities_stage", "opportunities", ["stage"], unique=False)
    op.create_index("ix_opportunities_type", "opportunities", ["type"], unique=False)
    op.create_index("ix_opportunities_updated_at_id", "opportunities", ["updated_at", "id"], unique=False)
    op.create_index(
        "uq_opportunities_external_id",
        "opportunities",
        ["external_id"],
        unique=True,
        postgresql_where=sa.text("external_id IS NOT NULL"),
    )
    op.create_table(
        "plans",
        sa.Column("account_id", sa.UUID(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column(
            "business", postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'{}'::jsonb"), nullable=False
        ),
        sa.Column(
            "swot", postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'{}'::jsonb"), nullable=False
        ),
        sa.Column(
            "competitors",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.text("statement_timestamp()"), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.text("statement_timestamp()"), nullable=False
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("status IN ('draft', 'active', 'archived')", name=op.f("ck_plans_status")),
        sa.CheckConstraint("period_end >= period_start", name=op.f("ck_plans_period_in_order")),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name=op.f("fk_plans_account_id_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans")),
    )
    op.create_index("ix_plans_account_id", "plans", ["account_id", "created_at", "id"], unique=False)
    op.create_index("ix_plans_created_at_id", "plans", ["created_at", "id"], unique=False)
    op.create_index("ix_plans_period_start_id", "plans", ["period_start", "id"], unique=False)
    op.create_index("ix_plans_status", "plans", ["status"], unique=False)
    op.create_index("ix_plans_updated_at_id", "plans", ["updated_at", "id"], unique=False)
    op.create_index(
        "uq_plans_one_active_per_account",
        "plans",
        ["account_id"],
        unique=True,
        postgresql_where=sa.text("status = 'active'"),
    )
    op.create_table(
        "reviews",
        sa.Column("account_id", sa.UUID(), nullable=False),
        sa.Column("held_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("decisions", sa.Text(), nullable=True),
        sa.Column("attendee_ids", postgresql.ARRAY(sa.UUID()), server_default=sa.text("'{}'::uuid[]"), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.text("statement_timestamp()"), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.text("statement_timestamp()"), nullable=False
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name=op.f("fk_reviews_account_id_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviews")),
    )
    op.create_index("ix_reviews_account_id_held_at", "reviews", ["account_id", "held_at", "id"], unique=False)
    op.create_index("ix_reviews_created_at_id", "reviews", ["created_at", "id"], unique=False)
    op.create_index("ix_reviews_held_at_id", "reviews", ["held_at", "id"], unique=False)
    op.create_index("ix_reviews_updated_at_id", "reviews", ["updated_at", "id"], unique=False)
    op.create_table(
        "objectives",
        sa.Column("account_id", sa.UUID(), nullable=False),
        sa.Column("plan_id", sa.UUID(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("horizon", sa.String(length=10), nullable=False),
        sa.Column("owner_id", sa.UUID(), nullable=True),
        sa.Column("metric", sa.String(length=300), nullable=True),
        sa.Column("baseline", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("target", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("current", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.text("statement_timestamp()"), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.text("statement_timestamp()"), nullable=False
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("horizon IN ('short', 'medium', 'long')", name=op.f("ck_objectives_horizon")),
        sa.CheckConstraint("status IN ('open', 'achieved', 'missed', 'cancelled')", name=op.f("ck_objectives_status")),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name=op.f("fk_objectives_account_id_accounts")),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name=op.f("fk_objectives_owner_id_users")),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_objectives_plan_id_plans"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_objectives")),
    )
    op.create_index("ix_objectives_account_id", "objectives", ["account_id"], unique=False)
    op.create_index("ix_objectives_owner_id", "objectives", ["owner_id"], unique=False)
    op.create_index("ix_objectives_plan_id", "objectives", ["plan_id", "created_at", "id"], unique=False)
    op.create_table(
        "actions",
        sa.Column("account_id", sa.UUID(), nullable=False),
        sa.Column("plan_id", sa.UUID(), nullable=False),
        sa.Column("objective_id", sa.UUID(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("owner_id", sa.UUID(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.text("statement_timestamp()"), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.text("statement_timestamp()"), nullable=False
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("status IN ('open', 'in_progress', 'done', 'cancelled')", name=op.f("ck_actions_status")),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name=op.f("fk_actions_account_id_accounts")),
        sa.ForeignKeyConstraint(["objective_id"], ["objectives.id"], name=op.f("fk_actions_objective_id_objectives")),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name=op.f("fk_actions_owner_id_users")),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_actions_plan_id_plans"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actions")),
    )
    op.create_index("ix_actions_account_id_due_date", "actions", ["account_id", "due_date"], unique=False)
    op.create_index("ix_actions_objective_id", "actions", ["objective_id"], unique=False)
    op.create_index("ix_actions_owner_id", "actions", ["owner_id"], unique=False)
    op.create_index("ix_actions_plan_id", "actions", ["plan_id", "created_at", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_actions_plan_id", table_name="actions")
    op.drop_index("ix_actions_owner_id", table_name="actions")
    op.drop_index("ix_actions_objective_id", table_name="actions")
    op.drop_index("ix_actions_account_id_due_date", table_name="actions")
    op.drop_table("actions")
    op.drop_index("ix_objectives_plan_id", table_name="objectives")
    op.drop_index("ix_objectives_owner_id", table_name="objectives")
    op.drop_index("ix_objectives_account_id", table_name="objectives")
    op.drop_table("objectives")
    op.drop_index("ix_reviews_updated_at_id", table_name="reviews")
    op.drop_index("ix_reviews_held_at_id", table_name="reviews")
    op.drop_index("ix_reviews_created_at_id", table_name="reviews")
    op.drop_index("ix_reviews_account_id_held_at", table_name="reviews")
    op.drop_table("reviews")
    op.drop_index("uq_plans_one_active_per_account", table_name="plans", postgresql_where=sa.text("status = 'active'"))
    op.drop_index("ix_plans_updated_at_id", table_name="plans")
    op.drop_index("ix_plans_status", table_name="plans")
    op.drop_index("ix_plans_period_start_id", table_name="plans")
    op.drop_index("ix_plans_created_at_id", table_name="plans")
    op.drop_index("ix_plans_account_id", table_name="plans")
    op.drop_table("plans")
    op.drop_index(
        "uq_opportunities_external_id", table_name="opportunities", postgresql_where=sa.text("external_id IS NOT NULL")
    )
    op.drop_index("ix_opportunities_updated_at_id", table_name="opportunities")
    op.drop_index("ix_opportunities_type", table_name="opportunities")
    op.drop_index("ix_opportunities_stage", table_name="opportunities")
    op.drop_index("ix_opportunities_owner_id", table_name="opportunities")
    op.drop_index("ix_opportunities_name_id", table_name="opportunities")
    op.drop_index("ix_opportunities_expected_close_date_id", table_name="opportunities")
    op.drop_index("ix_opportunities_created_at_id", table_name="opportunities")
    op.drop_index("ix_opportunities_closed_at", table_name="opportunities")
    op.drop_index("ix_opportunities_amount_id", table_name="opportunities")
    op.drop_index("ix_opportunities_account_id", table_name="opportunities")
    op.drop_table("opportunities")
    op.drop_index("ix_measurements_account_id_measured_at", table_name="measurements")
    op.drop_index("ix_measurements_account_id_kind_measured_at", table_name="measurements")
    op.drop_table("measurements")
    op.drop_index(
        "uq_interactions_external_id", table_name="interactions", postgresql_where=sa.text("external_id IS NOT NULL")
    )
    op.drop_index("ix_interactions_updated_at_id", table_name="interactions")
    op.drop_index("ix_interactions_type", table_name="interactions")
    op.drop_index("ix_interactions_purpose", table_name="interactions")
    op.drop_index("ix_interactions_occurred_at_id", table_name="interactions")
    op.drop_index("ix_interactions_created_at_id", table_name="interactions")
    op.drop_index("ix_interactions_contact_ids", table_name="interactions", postgresql_using="gin")
    op.drop_index("ix_interactions_account_id_occurred_at", table_name="interactions")
    op.drop_table("interactions")
    op.drop_index("uq_financials_account_id_period", table_name="financials")
    op.drop_index("ix_financials_account_id_year", table_name="financials")
    op.drop_table("financials")
    op.drop_index("uq_contacts_external_id", table_name="contacts", postgresql_where=sa.text("external_id IS NOT NULL"))
    op.drop_index("ix_contacts_updated_at_id", table_name="contacts")
    op.drop_index("ix_contacts_status", table_name="contacts")
    op.drop_index("ix_contacts_reports_to_id", table_name="contacts")
    op.drop_index("ix_contacts_last_name_id", table_name="contacts")
    op.drop_index("ix_contacts_influence", table_name="contacts")
    op.drop_index("ix_contacts_created_at_id", table_name="contacts")
    op.drop_index("ix_contacts_buying_roles", table_name="contacts", postgresql_using="gin")
    op.drop_index("ix_contacts_attitude", table_name="contacts")
    op.drop_index("ix_contacts_account_id_last_name", table_name="contacts")
    op.drop_table("contacts")
