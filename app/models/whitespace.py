"""The cells of an account's whitespace map a KAM set aside: not eligible, with the reason."""

import uuid

from sqlalchemy import ForeignKey, Index, Text
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, Timestamps, UUIDPrimaryKey, Versioned


class WhitespaceExclusion(UUIDPrimaryKey, Timestamps, Versioned, Base):
    __tablename__ = "whitespace_exclusions"

    account_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False
    )
    # The map's row: the account itself (its own id), one of its buying centers, or a subsidiary.
    row_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)
    offering_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("offerings.id"), nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    decided_by: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), ForeignKey("users.id"))

    __table_args__ = (Index("uq_whitespace_exclusions_cell", "account_id", "row_id", "offering_id", unique=True),)
