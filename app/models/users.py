"""Users of the service, their API tokens, and the signing key of sign-in tokens."""

import uuid
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Index, Integer, String, func, text
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.glossary import ROLES, TOKEN_SCOPES
from app.models.base import Base, Timestamps, UUIDPrimaryKey, Versioned, in_check


class User(UUIDPrimaryKey, Timestamps, Versioned, Base):
    __tablename__ = "users"

    email: Mapped[str] = mapped_column(String(320), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    role: Mapped[str] = mapped_column(String(20), nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("true"))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    # Sign-in and refresh tokens carry the generation they were issued in; raising it (sign-out, a
    # new password, deactivation) ends every one issued before.
    session_generation: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("0"))

    __table_args__ = (
        CheckConstraint(in_check("role", ROLES), name="role"),
        Index("uq_users_email_lower", func.lower(text("email")), unique=True),
        Index("ix_users_name_id", "name", "id"),
        Index("ix_users_created_at_id", "created_at", "id"),
        Index("ix_users_updated_at_id", "updated_at", "id"),
        Index("ix_users_role", "role"),
    )


class ApiToken(UUIDPrimaryKey, Base):
    """A named bearer token; only a hash of its secret is kept."""

    __tablename__ = "api_tokens"
    __mapper_args__ = {"eager_defaults": True}

    user_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("users.id"), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    # The first characters of the token, shown in lists so a leaked token can be recognised.
    prefix: Mapped[str] = mapped_column(String(20), nullable=False)
    secret_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    created_by: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.statement_timestamp()
    )
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    scopes: Mapped[list[str]] = mapped_column(ARRAY(String(10)), nullable=False)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        CheckConstraint(
            "scopes <@ ARRAY[" + ", ".join(f"'{scope}'" for scope in TOKEN_SCOPES) + "]::varchar[] "
            "AND 'read' = ANY(scopes)",
            name="scopes",
        ),
        Index("uq_api_tokens_secret_hash", "secret_hash", unique=True),
        Index("ix_api_tokens_user_id_created_at", "user_id", "created_at", "id"),
    )


class RefreshToken(UUIDPrimaryKey, Base):
    """A web-app session's refresh token: used once, then replaced by the next of its family; a used
    one presented again means it was stolen, and ends the family. Only a hash of its secret is kept."""

    __tablename__ = "refresh_tokens"
    __mapper_args__ = {"eager_defaults": True}

    user_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("users.id"), nullable=False)
    family_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)
    secret_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    session_generation: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.statement_timestamp()
    )
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        Index("uq_refresh_tokens_secret_hash", "secret_hash", unique=True),
        Index("ix_refresh_tokens_family_id", "family_id"),
        Index("ix_refresh_tokens_user_id_expires_at", "user_id", "expires_at"),
    )


class SigningKey(Base):
    """The key that signs sign-in tokens when none is configured, shared by every worker and host."""

    __tablename__ = "signing_keys"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    secret: Mapped[str] = mapped_column(String(200), nullable=False)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.statement_timestamp()
    )


class SignInFailure(Base):
    """Failed sign-ins, counted per email and per client address to slow down password guessing."""

    __tablename__ = "sign_in_failures"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    email: Mapped[str] = mapped_column(String(320), nullable=False)
    address: Mapped[str] = mapped_column(String(100), nullable=False)
    occurred_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.statement_timestamp()
    )

    __table_args__ = (
        Index("ix_sign_in_failures_email_occurred_at", "email", "occurred_at"),
        Index("ix_sign_in_failures_address_occurred_at", "address", "occurred_at"),
    )


class CalendarLink(UUIDPrimaryKey, Base):
    """A user's personal, read-only calendar feed of their agenda; only a hash of its key is kept.
    One per user: making a new one replaces the old, deleting it revokes the link."""

    __tablename__ = "calendar_links"
    __mapper_args__ = {"eager_defaults": True}

    user_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("users.id"), nullable=False)
    secret_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.statement_timestamp()
    )
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        Index("uq_calendar_links_user_id", "user_id", unique=True),
        Index("uq_calendar_links_secret_hash", "secret_hash", unique=True),
    )
