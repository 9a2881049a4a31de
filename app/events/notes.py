"""The changes events tell, noted as a transaction writes them (app/unit_of_work asks for them at
every flush and set-wise write), so the events (app/events/emitter.py) are written before the commit,
in the same transaction."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from app.models import (
    Account,
    BuyingCenter,
    Contact,
    Interaction,
    Offering,
    Opportunity,
    Plan,
    Review,
    RulesVersion,
    TierChange,
)

Action = Literal["create", "update", "delete"]
TOLD = (Account, TierChange, BuyingCenter, Contact, Offering, Opportunity, Plan, Interaction, Review, RulesVersion)


@dataclass
class Noted:
    action: Action
    record: Any
    # For an update: each changed field's value before and after.
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)


def created(records: Iterable[object]) -> list[Noted]:
    return [Noted("create", record) for record in records if isinstance(record, TOLD)]


def updated(changed: Iterable[tuple[object, dict[str, tuple[Any, Any]]]]) -> list[Noted]:
    """The notes of these records' changes (each with its columns' values before and after)."""
    return [Noted("update", record, changes) for record, changes in changed if isinstance(record, TOLD)]


def deleted(records: Iterable[object]) -> list[Noted]:
    return [Noted("delete", record) for record in records if isinstance(record, TOLD)]
