"""Contacts: the people at an account, with their place in its decision chain."""

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, Text, text
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.glossary import (
    ATTITUDES,
    BUYING_ROLES,
    CONTACT_STATUSES,
    INFLUENCES,
    RELATIONSHIP_STRENGTHS,
    Attitude,
    BuyingRole,
    Influence,
    RelationshipStrength,
)
from app.models.base import Base, Timestamps, UUIDPrimaryKey, Versioned, WithMetadata, in_check, metadata_index


class Contact(UUIDPrimaryKey, Timestamps, Versioned, WithMetadata, Base):
    __tablename__ = "contacts"

    account_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("accounts.id"), nullable=False)
    first_name: Mapped[str] = mapped_column(String(100), nullable=False)
    last_name: Mapped[str] = mapped_column(String(100), nullable=False)
    title: Mapped[str | None] = mapped_column(String(200))
    department: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(50))
    buying_roles: Mapped[list[BuyingRole]] = mapped_column(
        ARRAY(String(30)), nullable=False, server_default=text("'{}'::varchar[]")
    )
    attitude: Mapped[Attitude] = mapped_column(String(20), nullable=False)
    influence: Mapped[Influence] = mapped_column(String(10), nullable=False)
    relationship_strength: Mapped[RelationshipStrength] = mapped_column(String(10), nullable=False)
    reports_to_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), ForeignKey("contacts.id"))
    status: Mapped[str] = mapped_column(String(10), nullable=False)
    left_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    interests: Mapped[str | None] = mapped_column(Text)
    background: Mapped[str | None] = mapped_column(Text)
    external_id: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (
        CheckConstraint(
            f"buying_roles <@ ARRAY[{', '.join(repr(r) for r in BUYING_ROLES)}]::varchar[]", name="buying_roles"
        ),
        CheckConstraint(in_check("attitude", ATTITUDES), name="attitude"),
        CheckConstraint(in_check("influence", INFLUENCES), name="influence"),
        CheckConstraint(in_check("relationship_strength", RELATIONSHIP_STRENGTHS), name="relationship_strength"),
        CheckConstraint(in_check("status", CONTACT_STATUSES), name="status"),
        CheckConstraint("reports_to_id <> id", name="not_own_manager"),
        Index("uq_contacts_external_id", "external_id", unique=True, postgresql_where=text("external_id IS NOT NULL")),
        Index("ix_contacts_account_id_last_name", "account_id", "last_name", "id"),
        Index("ix_contacts_last_name_id", "last_name", "id"),
        metadata_index("contacts"),
        Index("ix_contacts_created_at_id", "created_at", "id"),
        Index("ix_contacts_updated_at_id", "updated_at", "id"),
        Index("ix_contacts_reports_to_id", "reports_to_id"),
        Index("ix_contacts_buying_roles", "buying_roles", postgresql_using="gin"),
        Index("ix_contacts_attitude", "attitude"),
        Index("ix_contacts_influence", "influence"),
        Index("ix_contacts_status", "status"),
    )
