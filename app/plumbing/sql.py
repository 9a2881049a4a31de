"""SQL building blocks shared by the repositories."""

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import orjson
from sqlalchemy import Column, ColumnElement, Table, any_, bindparam, func, select, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import QueryableAttribute


def one_of(column: ColumnElement[Any] | QueryableAttribute[Any], values: Iterable[Any]) -> ColumnElement[bool]:
    """``column = ANY($1)``: a single array parameter however many values there are, so a lookup of
    a thousand keys is one cached statement and one prepared plan, where ``IN ($1, ..., $1000)``
    would be new SQL, parsed and planned again, for every count of keys."""
    return column == any_(bindparam(None, list(values), type_=ARRAY(column.expression.type)))


def in_set(column: ColumnElement[Any] | QueryableAttribute[Any], values: Iterable[Any]) -> ColumnElement[bool]:
    """``column IN (SELECT unnest($1))``: the values as a set the rows are joined to, for a batch's
    thousand keys. Compared with ``= ANY($1)`` row by row, a plan that scans the table (statistics
    not gathered yet while a first import fills it) costs every row times every key; as a set, it
    stays one pass."""
    keys = select(func.unnest(bindparam(None, list(values), type_=ARRAY(column.expression.type))))
    return column.in_(keys.scalar_subquery())


def _exact(value: Any) -> str:
    """A decimal as JSON: its text, every digit kept (a float would round it)."""
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def _as_json(column: Column[Any]) -> bool:
    # JSON and arrays travel as JSON text and are turned back in SQL: the driver has no encoding for
    # arrays of jsonb, and unnest would flatten an array of arrays into its elements.
    return isinstance(column.type, JSONB | ARRAY)


def _array_type(column: Column[Any]) -> str:
    return "text" if _as_json(column) else column.type.compile(dialect=postgresql.dialect())


def _from_text(column: Column[Any]) -> str:
    if isinstance(column.type, ARRAY):
        element_type = column.type.compile(dialect=postgresql.dialect())
        return f"ARRAY(SELECT jsonb_array_elements_text(v.{column.name}::jsonb))::{element_type}"
    if isinstance(column.type, JSONB):
        return f"v.{column.name}::jsonb"
    return f"v.{column.name}"


class SetWise:
    """A set-wise INSERT and UPDATE of many records of one table: each column's values go as one
    array parameter, unnested into rows, so a thousand records are one statement, one round trip
    and one cached plan. Columns the database fills (by default ``created_at``, ``updated_at``)
    are left to it.
    The UPDATE, for versioned tables, matches each row by id and the version it was read at and
    moves the version on; its row count tells whether every one matched. Tables without a
    version have no UPDATE here."""

    def __init__(self, model: type[Any], filled_by_database: tuple[str, ...] = ("created_at", "updated_at")) -> None:
        table: Table = model.__table__
        self.columns = [column for column in table.columns if column.name not in filled_by_database]
        names = ", ".join(column.name for column in self.columns)
        arrays = ", ".join(f"CAST(:{column.name} AS {_array_type(column)}[])" for column in self.columns)
        rows = f"unnest({arrays}) AS v({names})"
        self.insert = text(
            f"INSERT INTO {table.name} ({names}) SELECT {', '.join(map(_from_text, self.columns))} FROM {rows}"
        )
        changed = [column for column in self.columns if column.name not in ("id", "version")]
        self.update = (
            None
            if "version" not in table.columns
            else text(
                f"UPDATE {table.name} AS t SET "
                + ", ".join(f"{column.name} = {_from_text(column)}" for column in changed)
                + f", version = t.version + 1, updated_at = statement_timestamp() FROM {rows}"
                + " WHERE t.id = v.id AND t.version = v.version"
            )
        )

    def parameters(self, records: Sequence[Any]) -> dict[str, list[Any]]:
        """The array parameters holding these records' values (mapped objects, by attribute)."""
        return {
            column.name: self._values(column, (getattr(record, column.key) for record in records))
            for column in self.columns
        }

    def row_parameters(self, rows: Sequence[Mapping[str, Any]]) -> dict[str, list[Any]]:
        """The array parameters holding these rows' values (mappings by column name)."""
        return {column.name: self._values(column, (row.get(column.name) for row in rows)) for column in self.columns}

    @staticmethod
    def _values(column: Column[Any], values: Iterable[Any]) -> list[Any]:
        if _as_json(column):
            # orjson: a batch's thousands of audit entries and events are JSON in a few milliseconds.
            return [None if value is None else orjson.dumps(value, default=_exact).decode() for value in values]
        return list(values)
