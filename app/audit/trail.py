"""Writing the audit trail: an entry for every change to an audited record, in the transaction that
makes it.

The unit of work (app/unit_of_work) asks here for the entries of every record a flush or a set-wise
write touches, so no use case can forget them, with the actor and request id the request's
authentication put on the session; it stores them before the commit.
"""

import uuid
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.audit_context import AuditContext
from app.models import (
    Account,
    AccountTeamMember,
    Action,
    ApiToken,
    AuditEntry,
    BuyingCenter,
    CalendarLink,
    Contact,
    Financial,
    FollowUp,
    Interaction,
    Measurement,
    Objective,
    Offering,
    Opportunity,
    Plan,
    RevenueLine,
    Review,
    RulesVersion,
    Target,
    TierChange,
    User,
    WebhookSubscription,
    WhitespaceExclusion,
)
from app.plumbing.sql import SetWise

AUDITED: dict[type, str] = {
    Account: "account",
    AccountTeamMember: "team_member",
    Action: "action",
    ApiToken: "token",
    BuyingCenter: "buying_center",
    CalendarLink: "calendar_link",
    Contact: "contact",
    Financial: "financial",
    FollowUp: "follow_up",
    Interaction: "interaction",
    Measurement: "measurement",
    Objective: "objective",
    Offering: "offering",
    Opportunity: "opportunity",
    Plan: "plan",
    RevenueLine: "revenue_line",
    Review: "review",
    RulesVersion: "rules",
    Target: "targets",
    TierChange: "tier_change",
    User: "user",
    WebhookSubscription: "webhook",
    WhitespaceExclusion: "whitespace_exclusion",
}
# Bookkeeping that changes on every write or use and says nothing about what was decided.
_IGNORED = {"version", "created_at", "updated_at", "last_used_at", "position_transaction_id", "position_seq"}
# Recorded as changed, never with their values.
_SECRET = {"password_hash", "secret_hash", "secret", "previous_secret"}
_SECRET_MARK = "[secret]"


_AS_THEY_ARE = frozenset({str, int, bool, float})


def _json(value: Any) -> Any:
    if type(value) in _AS_THEY_ARE:  # most values: said first, as a batch shows a thousand records
        return value
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_json(item) for item in value]
    if isinstance(value, dict):
        return {key: _json(item) for key, item in value.items()}
    return value


def _shown(field: str, value: Any) -> Any:
    if field in _SECRET:
        return None if value is None else _SECRET_MARK
    return _json(value)


def _account_id(instance: object) -> uuid.UUID | None:
    return instance.id if isinstance(instance, Account) else getattr(instance, "account_id", None)


def _entity_id(instance: object) -> str:
    # Every audited record has a UUID id, except a rules version, which is its own key.
    key = getattr(instance, "id", None)
    return str(key if key is not None else getattr(instance, "version", None))


_FIELDS: dict[type, list[str]] = {}
# The column's name of an attribute named otherwise (``metadata_``): what the trail shows.
_COLUMN_NAMES: dict[str, str] = {}
_SHOWN: dict[type, list[tuple[str, Callable[[Any], Any]]]] = {}


def _fields(instance: object) -> list[str]:
    """The audited fields of the instance's class, found once per class."""
    model = type(instance)
    if model not in _FIELDS:
        mapper = inspect(instance).mapper
        _FIELDS[model] = [attribute.key for attribute in mapper.column_attrs if attribute.key not in _IGNORED]
        _COLUMN_NAMES.update({attribute.key: str(attribute.columns[0].name) for attribute in mapper.column_attrs})
    return _FIELDS[model]


def _shown_fields(instance: object) -> list[tuple[str, Callable[[Any], Any]]]:
    """Each audited field of the instance's class with how its value is shown, found once per class:
    a batch records a thousand creations of the same class."""
    model = type(instance)
    if model not in _SHOWN:
        _SHOWN[model] = [
            (field, (lambda value: _SECRET_MARK) if field in _SECRET else _json) for field in _fields(instance)
        ]
    return _SHOWN[model]


def _created(instance: object) -> dict[str, Any]:
    values = instance.__dict__  # what was set on the new record; what was not is null
    return {
        _COLUMN_NAMES[field]: {"before": None, "after": shown(value)}
        for field, shown in _shown_fields(instance)
        if (value := values.get(field)) is not None
    }


def _updated(instance: object, changed: dict[str, tuple[Any, Any]]) -> dict[str, Any]:
    audited = set(_fields(instance))
    return {
        _COLUMN_NAMES[field]: {"before": _shown(field, before), "after": _shown(field, after)}
        for field, (before, after) in changed.items()
        if field in audited
    }


def _update_action(changes: dict[str, Any]) -> str:
    archived = changes.get("archived_at")
    if archived is not None and set(changes) == {"archived_at"}:
        return "delete" if archived["after"] is not None else "restore"
    return "update"


def _row(
    context: AuditContext,
    action: str,
    entity_type: str,
    entity_id: str | None,
    changes: dict[str, Any],
    account_id: uuid.UUID | None = None,
) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "actor_id": context.actor_id,
        "token_id": context.token_id,
        "action": action,
        "entity_type": entity_type,
        "entity_id": entity_id,
        "account_id": account_id,
        "changes": changes,
        "request_id": context.request_id,
        "reason": context.reason,
    }


def created_rows(context: AuditContext, instances: Iterable[object]) -> list[dict[str, Any]]:
    """The entries of these records' creation."""
    return [
        _row(
            context, "create", AUDITED[type(instance)], _entity_id(instance), _created(instance), _account_id(instance)
        )
        for instance in instances
        if type(instance) in AUDITED
    ]


def updated_rows(
    context: AuditContext, changed: Iterable[tuple[object, dict[str, tuple[Any, Any]]]]
) -> list[dict[str, Any]]:
    """The entries of these records' changes (each with its columns' values before and after, as
    ``changes_of`` gives them); an archive or a restore told as such."""
    rows = []
    for instance, columns in changed:
        if type(instance) in AUDITED:
            changes = _updated(instance, columns)
            if changes:
                rows.append(
                    _row(
                        context,
                        _update_action(changes),
                        AUDITED[type(instance)],
                        _entity_id(instance),
                        changes,
                        _account_id(instance),
                    )
                )
    return rows


def deleted_rows(context: AuditContext, instances: Iterable[object]) -> list[dict[str, Any]]:
    """The entries of these records' deletion, with the values they had."""
    return [
        _row(
            context,
            "delete",
            AUDITED[type(instance)],
            _entity_id(instance),
            {
                _COLUMN_NAMES[field]: {"before": _shown(field, getattr(instance, field)), "after": None}
                for field in _fields(instance)
            },
            _account_id(instance),
        )
        for instance in instances
        if type(instance) in AUDITED
    ]


_ENTRIES = SetWise(AuditEntry, filled_by_database=("occurred_at",))


async def write(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """Store these entries: once per transaction, before it commits, in one set-wise INSERT of plain
    rows rather than an entry per record in the ORM's bookkeeping."""
    if rows:
        await session.execute(_ENTRIES.insert, _ENTRIES.row_parameters(rows))
