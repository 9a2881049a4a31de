"""Buying centers: the units of an account that buy on their own (divisions, functions, regions)."""

import uuid

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.glossary import BUYING_CENTER_KINDS
from app.models.base import Base, Timestamps, UUIDPrimaryKey, Versioned, in_check


class BuyingCenter(UUIDPrimaryKey, Timestamps, Versioned, Base):
    __tablename__ = "buying_centers"

    account_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False
    )
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    external_id: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (
        CheckConstraint(in_check("kind", BUYING_CENTER_KINDS), name="kind"),
        Index("uq_buying_centers_external_id", "external_id", unique=True),
        Index("uq_buying_centers_account_id_name", "account_id", "name", unique=True),
        Index("ix_buying_centers_account_id_name_id", "account_id", "name", "id"),
        Index("ix_buying_centers_updated_at_id", "updated_at", "id"),
    )
