"""The event outbox: what changed, written in the transaction that changes it."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, DateTime, Identity, Index, Integer, String, func, text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.glossary import EVENT_TYPES
from app.models.base import Base, in_check

# The writing transaction's id (xid8, as a number): the feed delivers an event only once no
# transaction that could still commit an event before it is running.
CURRENT_TRANSACTION = text("pg_current_xact_id()::text::bigint")


class Event(Base):
    __tablename__ = "events"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    # Order of the events of one transaction; with ``transaction_id``, the feed's order.
    seq: Mapped[int] = mapped_column(BigInteger, Identity(), nullable=False, unique=True)
    transaction_id: Mapped[int] = mapped_column(BigInteger, nullable=False, server_default=CURRENT_TRANSACTION)
    type: Mapped[str] = mapped_column(String(50), nullable=False)
    occurred_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.statement_timestamp()
    )
    # No foreign keys: an event outlives what it tells about (a deleted contact).
    account_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    entity_type: Mapped[str] = mapped_column(String(50), nullable=False)
    entity_id: Mapped[str] = mapped_column(String(100), nullable=False)
    entity_version: Mapped[int | None] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False)

    __table_args__ = (
        CheckConstraint(in_check("type", EVENT_TYPES), name="type"),
        Index("ix_events_transaction_id_seq", "transaction_id", "seq"),
        Index("ix_events_account_id_transaction_id_seq", "account_id", "transaction_id", "seq"),
        Index("ix_events_type_transaction_id_seq", "type", "transaction_id", "seq"),
    )
