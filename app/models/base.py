"""Declarative base with one MetaData, a constraint naming convention and the common columns."""

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import DateTime, Index, Integer, MetaData, func, text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# Records without a date (an opportunity's expected close, an action's due date) sort after every
# dated one: under the day after the last date the service takes. A literal, not a bound parameter,
# so that queries ordering by it match the index expression. Not 9999-12-31: asyncpg sends date.max
# as 'infinity', so a cursor holding it would skip every undated row after it.
UNDATED = text("'2200-01-01'::date")
UNDATED_VALUE = date(2200, 1, 1)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def in_check(column: str, values: tuple[str, ...]) -> str:
    """SQL for a CHECK constraint keeping a string column to a fixed set (enums as checked strings)."""
    quoted = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({quoted})"


class UUIDPrimaryKey:
    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)

    def __init__(self, **kwargs: object) -> None:
        # The id exists from construction, so related rows and audit entries can name it before a flush.
        kwargs.setdefault("id", uuid.uuid4())
        super().__init__(**kwargs)


class Timestamps:
    # statement_timestamp(), not now(): changes made one after another inside a transaction stay in
    # order, which incremental sync (`updated_since`, sort by `updated_at`) relies on.
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.statement_timestamp()
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True),
        nullable=False,
        server_default=func.statement_timestamp(),
        onupdate=func.statement_timestamp(),
    )


class Versioned:
    """Optimistic concurrency: every UPDATE checks and bumps ``version``."""

    version: Mapped[int] = mapped_column(Integer, nullable=False)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        # eager_defaults: server-generated timestamps come back through RETURNING, not a second SELECT.
        return {"version_id_col": cls.version, "eager_defaults": True}


class WithMetadata:
    """A CRM's own fields, kept as sent (see app/plumbing/metadata.py). The column is ``metadata``;
    the attribute ``metadata_``, and so the column's key, since ``metadata`` is the declarative
    base's own."""

    metadata_: Mapped[dict[str, str]] = mapped_column(
        "metadata", JSONB, key="metadata_", nullable=False, server_default=text("'{}'::jsonb")
    )

    def __init__(self, **kwargs: object) -> None:
        # Set from construction: a batch inserts its new records from their attributes.
        kwargs.setdefault("metadata_", {})
        super().__init__(**kwargs)


def metadata_index(table: str) -> Index:
    """The index the metadata filter's containment (``@>``) is answered by."""
    return Index(
        f"ix_{table}_metadata", "metadata_", postgresql_using="gin", postgresql_ops={"metadata": "jsonb_path_ops"}
    )
