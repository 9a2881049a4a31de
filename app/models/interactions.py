"""Interactions (visits, calls, meetings...) and internal account reviews."""

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, Text, text
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.glossary import INTERACTION_TYPES, VISIT_PURPOSES
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
        # Promised follow-ups, by due date (the follow-up list and agenda).
        Index(
            "ix_interactions_next_contact_at_id",
            "next_contact_at",
            "id",
            postgresql_where=text("next_contact_at IS NOT NULL"),
        ),
        Index("ix_interactions_created_at_id", "created_at", "id"),
        Index("ix_interactions_updated_at_id", "updated_at", "id"),
        Index("ix_interactions_type", "type"),
        Index("ix_interactions_purpose", "purpose"),
        Index("ix_interactions_contact_ids", "contact_ids", postgresql_using="gin"),
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
