"""Notes, during a transaction, every change of a record that events tell about, so that the events
(app/events/emitter.py) are written before the commit, in the same transaction.

Every ORM flush notes its records here; a write that goes around the unit of work (a batch's
set-wise statements, app/set_writes.py) notes its own.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from app.models import Account, Contact, Interaction, Opportunity, Plan, Review, RulesVersion, TierChange

Action = Literal["create", "update", "delete"]
TOLD = (Account, TierChange, Contact, Opportunity, Plan, Interaction, Review, RulesVersion)
_NOTES = "event_notes"


@dataclass
class Noted:
    action: Action
    record: Any
    # For an update: each changed field's value before and after.
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)


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


def note_created(session: Session, records: Iterable[object]) -> None:
    notes = session.info.setdefault(_NOTES, [])
    notes.extend(Noted("create", record) for record in records if isinstance(record, TOLD))


def note_updated(session: Session, records: Iterable[object]) -> None:
    notes = session.info.setdefault(_NOTES, [])
    for record in records:
        if isinstance(record, TOLD) and session.is_modified(record):
            changes = changes_of(record)
            if changes:
                notes.append(Noted("update", record, changes))


def note_deleted(session: Session, records: Iterable[object]) -> None:
    notes = session.info.setdefault(_NOTES, [])
    notes.extend(Noted("delete", record) for record in records if isinstance(record, TOLD))


def take(session: Session) -> list[Noted]:
    """What was noted since the last take, in the order it was written."""
    return session.info.pop(_NOTES, [])


def mark(session: Session) -> int:
    """Where the notes stand, to drop what follows if a savepoint is rolled back."""
    return len(session.info.get(_NOTES, []))


def roll_back_to(session: Session, where: int) -> None:
    """Drop what was noted after ``mark`` answered ``where``: a savepoint rolled it back."""
    del session.info.get(_NOTES, [])[where:]


def _note_flush(session: Session, _flush_context: object, _instances: object) -> None:
    note_created(session, session.new)
    note_updated(session, session.dirty)
    note_deleted(session, session.deleted)


def install() -> None:
    """Note on every ORM flush of the process (once, however often called)."""
    if not event.contains(Session, "before_flush", _note_flush):
        event.listen(Session, "before_flush", _note_flush)
