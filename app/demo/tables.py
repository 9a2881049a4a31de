"""Rows to write, per table, and writing them with PostgreSQL COPY."""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Base


@dataclass
class Tables:
    """Rows to copy, per table, in column order."""

    rows: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)
    columns: dict[str, list[str]] = field(default_factory=dict)
    # One getter per table: a row is taken from its values in the columns' order at C speed.
    getters: dict[str, Callable[[dict[str, Any]], tuple[Any, ...]]] = field(default_factory=dict)

    def add(self, model: type[Any], values: dict[str, Any]) -> None:
        table = model.__tablename__
        getter = self.getters.get(table)
        if getter is None:
            self.columns[table] = list(values)
            getter = self.getters[table] = itemgetter(*self.columns[table])
            self.rows[table] = []
        self.rows[table].append(getter(values))


COPY_ORDER = [
    "users",
    "offerings",
    "accounts",
    "buying_centers",
    "account_team_members",
    "contacts",
    "interactions",
    "follow_ups",
    "reviews",
    "financials",
    "revenue_lines",
    "opportunities",
    "measurements",
    "plans",
    "objectives",
    "actions",
    "tier_changes",
    "audit_entries",
]


async def copy_tables(session: AsyncSession, tables: Tables) -> dict[str, int]:
    connection = await session.connection()
    raw = (await connection.get_raw_connection()).driver_connection
    assert raw is not None, "COPY needs the driver's own connection"
    counts = {}
    for table in COPY_ORDER:
        columns = tables.columns.get(table, [])
        # COPY hands jsonb columns over as text.
        as_json = {
            index
            for index, column in enumerate(columns)
            if isinstance(Base.metadata.tables[table].c[column].type, JSONB)
        }
        rows = tables.rows.get(table, [])
        if as_json:
            rows = [
                tuple(
                    json.dumps(value) if index in as_json and value is not None else value
                    for index, value in enumerate(row)
                )
                for row in rows
            ]
        if rows:
            await raw.copy_records_to_table(table, records=rows, columns=columns)
        counts[table] = len(rows)
    return counts
