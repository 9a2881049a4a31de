"""The changes events tell, noted as a transaction writes them (app/unit_of_work asks for them at
every flush and set-wise write), so the events (app/events/emitter.py) are written before the commit,
in the same transaction."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy.orm import Session

from app.models import Account, Contact, Interaction, Opportunity, Plan, Review, RulesVersion, TierChange
from app.plumbing.changes import changes_of

Action = Literal["create", "update", "delete"]
TOLD = (Account, TierChange, Contact, Opportunity, Plan, Interaction, Review, RulesVersion)


@dataclass
class Noted:
    action: Action
    record: Any
    # For an update: each changed field's value before and after.
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)


def created(records: Iterable[object]) -> list[Noted]:
    return [Noted("create", record) for record in records if isinstance(record, TOLD)]


def updated(session: Session, records: Iterable[object]) -> list[Noted]:
    notes = []
    for record in records:
        if isinstance(record, TOLD) and session.is_modified(record):
            changes = changes_of(record)
            if changes:
                notes.append(Noted("update", record, changes))
    return notes


def deleted(records: Iterable[object]) -> list[Noted]:
    return [Noted("delete", record) for record in records if isinstance(record, TOLD)]
