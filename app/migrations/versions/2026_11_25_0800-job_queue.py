"""The job queue's schema: procrastinate's tables, types, functions and triggers, applied as its
release ships them (the dependency is pinned to one minor version, so this revision is what the
installed library expects; a new minor version comes with its own revision applying its migrations).

Revision ID: 2c9f4e6a8d15
Revises: 8b5e2f7a1c43
Create Date: 2026-11-25 08:00:00
"""

from collections.abc import Sequence

from alembic import op
from procrastinate.schema import SchemaManager
from sqlalchemy.util import await_only

revision: str = "2c9f4e6a8d15"
down_revision: str | None = "8b5e2f7a1c43"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Many statements with dollar-quoted bodies: sent as one script on the driver's own connection
    # (a prepared statement holds one), inside the migration's transaction.
    driver = op.get_bind().connection.driver_connection
    assert driver is not None, "an open connection"
    await_only(driver.execute(SchemaManager.get_schema()))


def downgrade() -> None:
    op.execute(
        "DROP TABLE IF EXISTS procrastinate_events, procrastinate_periodic_defers, procrastinate_jobs,"
        " procrastinate_workers CASCADE"
    )
    op.execute(
        """
        DO $$
        DECLARE routine regprocedure;
        BEGIN
            FOR routine IN SELECT oid::regprocedure FROM pg_proc WHERE proname LIKE 'procrastinate%' LOOP
                EXECUTE 'DROP FUNCTION ' || routine || ' CASCADE';
            END LOOP;
        END $$
        """
    )
    op.execute(
        "DROP TYPE IF EXISTS procrastinate_job_status, procrastinate_job_event_type, procrastinate_job_to_defer_v1"
        " CASCADE"
    )
