"""Accounts and their tier history."""

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    func,
    literal_column,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import ColumnClause

from app.glossary import ACCOUNT_STATUSES, TEAM_ROLES, TIER_CHANGE_KINDS, TIERS, Tier
from app.models.base import Base, Timestamps, UUIDPrimaryKey, Versioned, WithMetadata, in_check, metadata_index
from app.models.users import User

# Unscored accounts sort below every score. A literal, not a bound parameter, so that queries
# ordering by it match the index expression.
UNSCORED: ColumnClause[int] = literal_column("-1")
UNSCORED_VALUE = Decimal(-1)


class Account(UUIDPrimaryKey, Timestamps, Versioned, WithMetadata, Base):
    __tablename__ = "accounts"

    name: Mapped[str] = mapped_column(String(200), nullable=False)
    external_id: Mapped[str | None] = mapped_column(String(200))
    industry: Mapped[str | None] = mapped_column(String(100))
    region: Mapped[str | None] = mapped_column(String(100))
    employee_count: Mapped[int | None] = mapped_column(Integer)
    website: Mapped[str | None] = mapped_column(String(500))
    parent_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("accounts.id", ondelete="RESTRICT")
    )
    owner_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), ForeignKey("users.id"))
    executive_sponsor_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    scores: Mapped[dict[str, int]] = mapped_column(JSONB, nullable=False, server_default=text("'{}'::jsonb"))
    notes: Mapped[str | None] = mapped_column(Text)

    # Written by the service from the pure rules whenever scores or the rules change, so lists can
    # filter and sort on them with an index.
    score: Mapped[Decimal | None] = mapped_column(Numeric(4, 1))
    computed_tier: Mapped[Tier | None] = mapped_column(String(10))
    tier: Mapped[Tier | None] = mapped_column(String(10))
    tier_assigned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The last promotion to a higher tier: the onboarding grace runs from it (or from creation).
    grace_started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The computed tier at which a manager's keep or set decision holds the tier in place.
    tier_held_at_computed: Mapped[Tier | None] = mapped_column(String(10))

    archived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The rules version the stored score and tiers were computed with (a rules change re-evaluates
    # every account in the background; until then some still show the version before).
    rules_version: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("1"))

    # lazy="raise": anything read through these must be loaded explicitly by the repository.
    owner: Mapped["User | None"] = relationship(foreign_keys=[owner_id], lazy="raise")
    executive_sponsor: Mapped["User | None"] = relationship(foreign_keys=[executive_sponsor_id], lazy="raise")

    __table_args__ = (
        CheckConstraint(in_check("status", ACCOUNT_STATUSES), name="status"),
        CheckConstraint(in_check("tier", TIERS), name="tier"),
        CheckConstraint(in_check("computed_tier", TIERS), name="computed_tier"),
        CheckConstraint(in_check("tier_held_at_computed", TIERS), name="tier_held_at_computed"),
        CheckConstraint("parent_id <> id", name="not_own_parent"),
        CheckConstraint("employee_count >= 0", name="employee_count_not_negative"),
        Index(
            "uq_accounts_external_id",
            "external_id",
            unique=True,
            postgresql_where=text("external_id IS NOT NULL"),
        ),
        Index("ix_accounts_name_id", "name", "id"),
        metadata_index("accounts"),
        Index("ix_accounts_score_id", func.coalesce(text("score"), UNSCORED), "id"),
        Index("ix_accounts_created_at_id", "created_at", "id"),
        Index("ix_accounts_updated_at_id", "updated_at", "id"),
        Index("ix_accounts_tier", "tier"),
        Index("ix_accounts_computed_tier", "computed_tier"),
        Index("ix_accounts_status", "status"),
        Index("ix_accounts_owner_id", "owner_id"),
        Index("ix_accounts_executive_sponsor_id", "executive_sponsor_id"),
        Index("ix_accounts_industry", "industry"),
        Index("ix_accounts_region", "region"),
        Index("ix_accounts_parent_id", "parent_id"),
        # The archived ones (few), and the ids of the live ones (read alone by the portfolio reports,
        # instead of every live account's whole row).
        Index("ix_accounts_archived_at", "archived_at", postgresql_where=text("archived_at IS NOT NULL")),
        Index("ix_accounts_live_id", "id", postgresql_where=text("archived_at IS NULL")),
    )


class AccountName(Base):
    """An account's name beside its id alone, kept by database triggers as accounts are created and
    renamed (migrations 1400, 1300 of December), with a GIN index on the trigrams of the lower-cased
    name. They back the case-insensitive "name contains" filter without the pg_trgm extension, which
    not every PostgreSQL (the embedded one included) ships. Kept apart from the account's row: an
    index on it would be written again, every trigram of the name, at every update of any other
    column. Narrow, so a common needle's matches are read and put in name order from a few pages."""

    __tablename__ = "account_names"

    account_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(200), nullable=False)

    __table_args__ = (
        Index("ix_account_names_name_trigrams", text("name_trigrams(lower(name))"), postgresql_using="gin"),
    )


class AccountScreenVersion(Base):
    """How many times the records an account's screen shows beside it (its contacts, deals, plans,
    team members, financials and their revenue lines) were written, counted once per transaction by
    the unit of work (app/account_screen/versions.py). A process that kept what the screen read at
    one count reads those records again only when the count moved. No row: never counted (0)."""

    __tablename__ = "account_screen_versions"

    account_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(BigInteger, nullable=False)


class TierChange(UUIDPrimaryKey, Base):
    """One change of an account's assigned tier, or a manager's decision to keep it."""

    __tablename__ = "tier_changes"
    __mapper_args__ = {"eager_defaults": True}

    account_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False
    )
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    from_tier: Mapped[str | None] = mapped_column(String(10))
    to_tier: Mapped[str | None] = mapped_column(String(10))
    computed_tier: Mapped[str | None] = mapped_column(String(10))
    score: Mapped[Decimal | None] = mapped_column(Numeric(4, 1))
    reason: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())

    __table_args__ = (
        CheckConstraint(in_check("kind", TIER_CHANGE_KINDS), name="kind"),
        Index("ix_tier_changes_account_id_created_at", "account_id", "created_at", "id"),
    )


class AccountTeamMember(UUIDPrimaryKey, Timestamps, Versioned, Base):
    """A user working an account, with the role they play on its team."""

    __tablename__ = "account_team_members"

    account_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False
    )
    user_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("users.id"), nullable=False)
    team_role: Mapped[str] = mapped_column(String(30), nullable=False)

    user: Mapped[User] = relationship(lazy="raise")

    __table_args__ = (
        CheckConstraint(in_check("team_role", TEAM_ROLES), name="team_role"),
        Index("uq_account_team_members_account_id_user_id", "account_id", "user_id", unique=True),
        # Backs the kam visibility rule: "accounts whose team I am on".
        Index("ix_account_team_members_user_id_account_id", "user_id", "account_id"),
        Index("ix_account_team_members_account_id_created_at", "account_id", "created_at", "id"),
        Index("ix_account_team_members_account_id_updated_at", "account_id", "updated_at", "id"),
    )
