"""Webhook subscriptions and their deliveries: each event a subscription takes, and how sending it went."""

import uuid
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.glossary import DELIVERY_STATUSES
from app.models.base import Base, Timestamps, UUIDPrimaryKey, Versioned, in_check


class WebhookSubscription(UUIDPrimaryKey, Timestamps, Versioned, Base):
    """An endpoint told of events. Its secret signs every delivery, so it is kept as given, not hashed."""

    __tablename__ = "webhook_subscriptions"

    url: Mapped[str] = mapped_column(String(2000), nullable=False)
    description: Mapped[str | None] = mapped_column(String(500))
    # None: every type, those added later included.
    event_types: Mapped[list[str] | None] = mapped_column(ARRAY(String(50)))
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("true"))
    disabled_reason: Mapped[str | None] = mapped_column(String(300))
    secret: Mapped[str] = mapped_column(String(100), nullable=False)
    # After a rotation the old secret signs beside the new one for a while, so receivers can switch.
    previous_secret: Mapped[str | None] = mapped_column(String(100))
    previous_secret_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The position in the event feed up to which deliveries are made (transaction id, seq).
    position_transaction_id: Mapped[int] = mapped_column(BigInteger, nullable=False, server_default=text("0"))
    position_seq: Mapped[int] = mapped_column(BigInteger, nullable=False, server_default=text("0"))
    # Since when every attempt has failed; none while the endpoint answers.
    failing_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), ForeignKey("users.id"))

    __table_args__ = (Index("ix_webhook_subscriptions_created_at_id", "created_at", "id"),)


class WebhookDelivery(UUIDPrimaryKey, Base):
    """One event for one subscription. Deliveries of one account go out in the feed's order."""

    __tablename__ = "webhook_deliveries"
    __mapper_args__ = {"eager_defaults": True}

    subscription_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"), nullable=False
    )
    event_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("events.id"), nullable=False)
    event_type: Mapped[str] = mapped_column(String(50), nullable=False)
    # The account the event is about (the stream it is ordered in); none for rules.changed.
    account_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    transaction_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    seq: Mapped[int] = mapped_column(BigInteger, nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, server_default=text("'pending'"))
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("0"))
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_response_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(500))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.statement_timestamp()
    )

    __table_args__ = (
        CheckConstraint(in_check("status", DELIVERY_STATUSES), name="status"),
        UniqueConstraint("subscription_id", "event_id"),
        # The log, newest first, whole or by status.
        Index("ix_webhook_deliveries_subscription_id_transaction_id_seq", "subscription_id", "transaction_id", "seq"),
        Index(
            "ix_webhook_deliveries_subscription_id_status_transaction_id_seq",
            "subscription_id",
            "status",
            "transaction_id",
            "seq",
        ),
        # The head of each account's stream: its oldest delivery still to be sent.
        Index(
            "ix_webhook_deliveries_pending_stream",
            "subscription_id",
            "account_id",
            "transaction_id",
            "seq",
            postgresql_where=text("status = 'pending'"),
        ),
        Index("ix_webhook_deliveries_pending_due", "next_attempt_at", postgresql_where=text("status = 'pending'")),
    )
