"""Interactions (visits, calls, meetings...) and internal account reviews."""

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, Text, text
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.glossary import FOLLOW_UP_STATUSES, INTERACTION_TYPES, VISIT_PURPOSES
from app.models.base import Base, Timestamps, UUIDPrimaryKey, Versioned, in_check


class Interaction(UUIDPrimaryKey, Timestamps, Versioned, Base):
    __tablename__ = "interactions"

    account_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("accounts.id"), nullable=False)
    type: Mapped[str] = mapped_column(String(10), nullable=False)
    purpose: Mapped[str | None] = mapped_column(String(20))
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    summary: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(Text)
    next_steps: Mapped[str | None] = mapped_column(Text)
    next_contact_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    external_id: Mapped[str | None] = mapped_column(String(200))
    # Kept on the row (not in a join table) so the audit trail shows who took part; the service
    # checks they are contacts of the same account, and a contact who took part cannot be deleted.
    contact_ids: Mapped[list[uuid.UUID]] = mapped_column(
        ARRAY(UUID(as_uuid=True)), nullable=False, server_default=text("'{}'::uuid[]")
    )

    __table_args__ = (
        CheckConstraint(in_check("type", INTERACTION_TYPES), name="type"),
        CheckConstraint(in_check("purpose", VISIT_PURPOSES), name="purpose"),
        Index(
            "uq_interactions_external_id", "external_id", unique=True, postgresql_where=text("external_id IS NOT NULL")
        ),
        Index("ix_interactions_account_id_occurred_at", "account_id", "occurred_at", "id"),
        Index("ix_interactions_occurred_at_id", "occurred_at", "id"),
        Index("ix_interactions_created_at_id", "created_at", "id"),
        Index("ix_interactions_updated_at_id", "updated_at", "id"),
        Index("ix_interactions_type", "type"),
        Index("ix_interactions_purpose", "purpose"),
        Index("ix_interactions_contact_ids", "contact_ids", postgresql_using="gin"),
    )


class FollowUp(UUIDPrimaryKey, Timestamps, Versioned, Base):
    """What an interaction promised to do next (its ``next_contact_at``): open until the KAM marks it
    done or dropped, or records an interaction that names it. An unrelated email keeps no promise."""

    __tablename__ = "follow_ups"

    account_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("accounts.id"), nullable=False)
    interaction_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("interactions.id", ondelete="CASCADE"), nullable=False
    )
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, server_default=text("'open'"))
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    done_by: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), ForeignKey("users.id"))
    kept_by_interaction_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("interactions.id", ondelete="SET NULL")
    )

    __table_args__ = (
        CheckConstraint(in_check("status", FOLLOW_UP_STATUSES), name="status"),
        CheckConstraint("(status = 'open') = (done_at IS NULL)", name="done_at_when_closed"),
        Index("uq_follow_ups_interaction_id", "interaction_id", unique=True),
        # The list by status and due date, and each account's oldest open one (its facts).
        Index("ix_follow_ups_status_due_at_id", "status", "due_at", "id"),
        Index("ix_follow_ups_account_id_status_due_at", "account_id", "status", "due_at"),
        Index("ix_follow_ups_kept_by_interaction_id", "kept_by_interaction_id"),
    )


class Review(UUIDPrimaryKey, Timestamps, Versioned, Base):
    __tablename__ = "reviews"

    account_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("accounts.id"), nullable=False)
    held_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    summary: Mapped[str | None] = mapped_column(Text)
    decisions: Mapped[str | None] = mapped_column(Text)
    attendee_ids: Mapped[list[uuid.UUID]] = mapped_column(
        ARRAY(UUID(as_uuid=True)), nullable=False, server_default=text("'{}'::uuid[]")
    )

    __table_args__ = (
        Index("ix_reviews_account_id_held_at", "account_id", "held_at", "id"),
        Index("ix_reviews_held_at_id", "held_at", "id"),
        Index("ix_reviews_created_at_id", "created_at", "id"),
        Index("ix_reviews_updated_at_id", "updated_at", "id"),
    )
