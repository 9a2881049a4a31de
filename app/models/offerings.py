"""The catalog of what the company sells: offerings (a product, module or service), in families."""

from sqlalchemy import Boolean, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, Timestamps, UUIDPrimaryKey, Versioned


class Offering(UUIDPrimaryKey, Timestamps, Versioned, Base):
    __tablename__ = "offerings"

    name: Mapped[str] = mapped_column(String(200), nullable=False)
    code: Mapped[str] = mapped_column(String(50), nullable=False)
    family: Mapped[str | None] = mapped_column(String(100))
    external_id: Mapped[str | None] = mapped_column(String(200))
    # An inactive offering is no longer sold: it leaves the whitespace map, its history stays.
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("true"))

    __table_args__ = (
        Index("uq_offerings_code", "code", unique=True),
        Index("uq_offerings_external_id", "external_id", unique=True),
        Index("ix_offerings_name_id", "name", "id"),
        Index("ix_offerings_code_id", "code", "id"),
        Index("ix_offerings_created_at_id", "created_at", "id"),
        Index("ix_offerings_updated_at_id", "updated_at", "id"),
    )
