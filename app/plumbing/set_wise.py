"""Writing many records of one table set-wise, around the ORM's flush, with what a flush would do
for them: the unit of work (app/unit_of_work) is told of them as it is of a flush's records.

The unit of work writes a versioned row with an UPDATE of its own (the driver cannot report row
counts of a multi-row statement, so it checks each), and keeps bookkeeping for every object; a
batch of a thousand records is written here in a statement per table instead.
"""

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from app.plumbing.sql import SetWise
from app.plumbing.transactions import note_written


async def insert_new(session: AsyncSession, table: SetWise, records: Sequence[Any]) -> None:
    """Insert these new (transient) records in one statement, the unit of work told of them.
    Versioned records start at version 1."""
    if not records:
        return
    for record in records:
        if hasattr(record, "version"):
            record.version = 1
    note_written(session, created=records)
    await session.execute(table.insert, table.parameters(records))


async def update_changed(session: AsyncSession, table: SetWise, records: Sequence[Any]) -> None:
    """Write the changes these (persistent) records hold in one statement, the unit of work told of
    them, then let the session go of them so its flush does not write them again. Their rows must be locked by this
    transaction; a version moved all the same is a StaleDataError."""
    if not records:
        return
    assert table.update is not None, "set-wise updates are for versioned tables"
    note_written(session, changed=records)
    result = await session.execute(table.update, table.parameters(records))
    if result.rowcount != len(records):  # type: ignore[attr-defined]
        raise StaleDataError("A record of the batch was changed by another request at the same time.")
    for record in records:
        set_committed_value(record, "version", record.version + 1)
        session.expunge(record)
