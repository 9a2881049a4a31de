"""What a record held in memory changes: read from the ORM's attribute history."""

from typing import Any

from sqlalchemy import inspect


def changes_of(record: object) -> dict[str, tuple[Any, Any]]:
    """The columns the record holds changes to, with their values before and after. Only the
    attributes the session marks as set are looked at, not every column's history: a batch notes a
    thousand records."""
    state = inspect(record)
    columns = state.mapper.column_attrs
    changes = {}
    for key in set(state.manager) - state.unmodified:
        if key not in columns:
            continue
        history = state.attrs[key].history
        before = history.deleted[0] if history.deleted else None
        after = history.added[0] if history.added else None
        if before != after:
            changes[key] = (before, after)
    return changes
