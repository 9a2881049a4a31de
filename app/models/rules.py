"""The versioned rules configuration: one row per version, the newest is in force."""

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, Integer, func, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class RulesVersion(Base):
    __tablename__ = "rules_versions"
    __mapper_args__ = {"eager_defaults": True}

    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    document: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())

    __table_args__ = (CheckConstraint("version >= 1", name="version_positive"),)


# The version of the rules in force, as a column another statement can carry (null: the defaults).
RULES_VERSION = select(func.max(RulesVersion.version)).scalar_subquery()
