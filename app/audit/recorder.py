"""Writes audit entries for every change to an audited record, in the transaction that makes it.

It hooks the ORM flush, so no use case can forget it: whatever the unit of work inserts, updates
or deletes among the audited classes is recorded with the actor and request id that the request's
authentication put on the session.
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from app.kit.sql import SetWise
from app.models import (
    Account,
    AccountTeamMember,
    Action,
    ApiToken,
    AuditEntry,
    Contact,
    Financial,
    FollowUp,
    Interaction,
    Measurement,
    Objective,
    Opportunity,
    Plan,
    Review,
    RulesVersion,
    TierChange,
    User,
    WebhookSubscription,
)
from app.outbox.notes import changes_of

AUDITED: dict[type, str] = {
    Account: "account",
    AccountTeamMember: "team_member",
    Action: "action",
    ApiToken: "token",
    Contact: "contact",
    Financial: "financial",
    FollowUp: "follow_up",
    Interaction: "interaction",
    Measurement: "measurement",
    Objective: "objective",
    Opportunity: "opportunity",
    Plan: "plan",
    Review: "review",
    RulesVersion: "rules",
    TierChange: "tier_change",
    User: "user",
    WebhookSubscription: "webhook",
}
# Bookkeeping that changes on every write or use and says nothing about what was decided.
_IGNORED = {"version", "created_at", "updated_at", "last_used_at", "position_transaction_id", "position_seq"}
# Recorded as changed, never with their values.
_SECRET = {"password_hash", "secret_hash", "secret", "previous_secret"}
_SECRET_MARK = "[secret]"

_CONTEXT_KEY = "audit_context"


@dataclass(frozen=True)
class AuditContext:
    actor_id: uuid.UUID | None = None
    token_id: uuid.UUID | None = None
    request_id: str | None = None
    # Why, when the use case has a reason for all it changes (a handover).
    reason: str | None = None


def set_context(session: Session, context: AuditContext) -> None:
    session.info[_CONTEXT_KEY] = context


def get_context(session: Session) -> AuditContext:
    return session.info.get(_CONTEXT_KEY) or AuditContext()


def _json(value: Any) -> Any:
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


def _fields(instance: object) -> list[str]:
    """The audited fields of the instance's class, found once per class."""
    model = type(instance)
    if model not in _FIELDS:
        mapper = inspect(instance).mapper
        _FIELDS[model] = [attribute.key for attribute in mapper.column_attrs if attribute.key not in _IGNORED]
    return _FIELDS[model]


def _created(instance: object) -> dict[str, Any]:
    values = {field: getattr(instance, field) for field in _fields(instance)}
    return {
        field: {"before": None, "after": _shown(field, value)} for field, value in values.items() if value is not None
    }


def _updated(instance: object) -> dict[str, Any]:
    audited = set(_fields(instance))
    return {
        field: {"before": _shown(field, before), "after": _shown(field, after)}
        for field, (before, after) in changes_of(instance).items()
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


def entry(
    context: AuditContext, action: str, entity_type: str, entity_id: str | None, changes: dict[str, Any]
) -> AuditEntry:
    """An entry to add to the session, for an event that is no record's change (a failed sign-in)."""
    return AuditEntry(**_row(context, action, entity_type, entity_id, changes))


def install() -> None:
    """Hook the recorder into every ORM session of the process (once, however often called)."""
    if not event.contains(Session, "before_flush", _record_changes):
        event.listen(Session, "before_flush", _record_changes)


def _record_changes(session: Session, _flush_context: object, _instances: object) -> None:
    context = get_context(session)
    rows = _create_rows(context, session.new)
    rows.extend(_update_rows(session, context, session.dirty))
    for instance in session.deleted:
        if type(instance) in AUDITED:
            before = {
                field: {"before": _shown(field, getattr(instance, field)), "after": None} for field in _fields(instance)
            }
            rows.append(
                _row(context, "delete", AUDITED[type(instance)], _entity_id(instance), before, _account_id(instance))
            )
    _write(session, rows)


def record_creates(session: Session, instances: Iterable[object]) -> None:
    """Audit the creation of these records, now: for a write that goes around the unit of work."""
    _write(session, _create_rows(get_context(session), instances))


def _create_rows(context: AuditContext, instances: Iterable[object]) -> list[dict[str, Any]]:
    return [
        _row(
            context, "create", AUDITED[type(instance)], _entity_id(instance), _created(instance), _account_id(instance)
        )
        for instance in instances
        if type(instance) in AUDITED
    ]


def record_updates(session: Session, instances: Iterable[object]) -> None:
    """Audit the changes these records hold, now: for a write that goes around the unit of work (a
    batch's set-wise UPDATE), whose flush will not see them."""
    _write(session, _update_rows(session, get_context(session), instances))


def _update_rows(session: Session, context: AuditContext, instances: Iterable[object]) -> list[dict[str, Any]]:
    rows = []
    for instance in instances:
        if type(instance) in AUDITED and session.is_modified(instance):
            changes = _updated(instance)
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


_ENTRIES = SetWise(AuditEntry, filled_by_database=("occurred_at",))


def _write(session: Session, rows: list[dict[str, Any]]) -> None:
    if rows:
        # Written at once with the changes, in the same transaction: one set-wise INSERT of plain
        # rows, not entries added to the unit of work (a batch of a thousand writes a thousand).
        session.connection().execute(_ENTRIES.insert, _ENTRIES.row_parameters(rows))
