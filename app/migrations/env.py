"""Alembic environment: async, on ``app.models`` metadata, URL handed in by the ``kam`` command."""

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from app.db import MIGRATION_LOCK, create_engine
from app.embedded_pg import start_embedded_postgres
from app.models import Base
from app.settings import get_settings

config = context.config
target_metadata = Base.metadata


def _database_url() -> str:
    url: str | None = config.attributes.get("database_url")
    if url:
        return url
    settings = get_settings()
    return settings.database_url or start_embedded_postgres(settings.data_dir)


def _ours(name: str | None, type_: str, _parent_names: object) -> bool:
    """Whether autogenerate compares this object: the job queue's tables belong to procrastinate,
    whose own schema (applied by a revision) is not in the models."""
    return not (type_ == "table" and name is not None and name.startswith("procrastinate_"))


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata, compare_type=True, include_name=_ours)
    with context.begin_transaction():
        connection.execute(MIGRATION_LOCK)  # before the version is read: the second waits, then finds it current
        context.run_migrations()


async def _run_async() -> None:
    engine = create_engine(_database_url(), pool_size=1, pgbouncer=get_settings().database_pgbouncer)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run)
    finally:
        await engine.dispose()


if context.is_offline_mode():
    context.configure(url=_database_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_run_async())
