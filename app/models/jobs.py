"""Work the service does in the background on someone's request, with its progress: re-evaluating
every account after a rules change."""

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text, func, text
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.glossary import JOB_KINDS, JOB_STATUSES
from app.models.base import Base, UUIDPrimaryKey, in_check


class Job(UUIDPrimaryKey, Base):
    __tablename__ = "jobs"
    __mapper_args__ = {"eager_defaults": True}

    kind: Mapped[str] = mapped_column(String(30), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, server_default=text("'queued'"))
    # For a re-evaluation: the rules version every account is brought to.
    rules_version: Mapped[int | None] = mapped_column(Integer)
    accounts_total: Mapped[int | None] = mapped_column(Integer)
    accounts_done: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("0"))
    requested_by: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.statement_timestamp()
    )
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        CheckConstraint(in_check("kind", JOB_KINDS), name="kind"),
        CheckConstraint(in_check("status", JOB_STATUSES), name="status"),
        # The worker looks for what is left to do.
        Index("ix_jobs_unfinished", "kind", "rules_version", postgresql_where=text("finished_at IS NULL")),
    )
