"""Writes audit entries for every change to an audited record, in the transaction that makes it.

It hooks the ORM flush, so no use case can forget it: whatever the unit of work inserts, updates
or deletes among the audited classes is recorded with the actor and request id that the request's
authentication put on the session.
"""

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from app.models import (
    Account,
    AccountTeamMember,
    Action,
    ApiToken,
    AuditEntry,
    Contact,
    Financial,
    Interaction,
    Measurement,
    Objective,
    Opportunity,
    Plan,
    Review,
    RulesVersion,
    TierChange,
    User,
)

AUDITED: dict[type, str] = {
    Account: "account",
    AccountTeamMember: "team_member",
    Action: "action",
    ApiToken: "token",
    Contact: "contact",
    Financial: "financial",
    Interaction: "interaction",
    Measurement: "measurement",
    Objective: "objective",
    Opportunity: "opportunity",
    Plan: "plan",
    Review: "review",
    RulesVersion: "rules",
    TierChange: "tier_change",
    User: "user",
}
# Bookkeeping that changes on every write or use and says nothing about what was decided.
_IGNORED = {"version", "created_at", "updated_at", "last_used_at"}
# Recorded as changed, never with their values.
_SECRET = {"password_hash", "secret_hash"}
_SECRET_MARK = "[secret]"

_CONTEXT_KEY = "audit_context"


@dataclass(frozen=True)
class AuditContext:
    actor_id: uuid.UUID | None = None
    token_id: uuid.UUID | None = None
    request_id: str | None = None


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


def _fields(instance: object) -> list[str]:
    return [attribute.key for attribute in inspect(instance).mapper.column_attrs if attribute.key not in _IGNORED]


def _created(instance: object) -> dict[str, Any]:
    values = {field: getattr(instance, field) for field in _fields(instance)}
    return {
        field: {"before": None, "after": _shown(field, value)} for field, value in values.items() if value is not None
    }


def _updated(instance: object) -> dict[str, Any]:
    state = inspect(instance)
    changes = {}
    for field in _fields(instance):
        history = state.attrs[field].history
        if not history.has_changes():
            continue
        before = history.deleted[0] if history.deleted else None
        after = history.added[0] if history.added else None
        if before != after:
            changes[field] = {"before": _shown(field, before), "after": _shown(field, after)}
    return changes


def _update_action(changes: dict[str, Any]) -> str:
    archived = changes.get("archived_at")
    if archived is not None and set(changes) == {"archived_at"}:
        return "delete" if archived["after"] is not None else "restore"
    return "update"


def entry(
    context: AuditContext,
    action: str,
    entity_type: str,
    entity_id: str | None,
    changes: dict[str, Any],
    account_id: uuid.UUID | None = None,
) -> AuditEntry:
    return AuditEntry(
        id=uuid.uuid4(),
        actor_id=context.actor_id,
        token_id=context.token_id,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        account_id=account_id,
        changes=changes,
        request_id=context.request_id,
    )


def install() -> None:
    """Hook the recorder into every ORM session of the process (once, however often called)."""
    if not event.contains(Session, "before_flush", _record_changes):
        event.listen(Session, "before_flush", _record_changes)


def _record_changes(session: Session, _flush_context: object, _instances: object) -> None:
    context = get_context(session)
    entries = []
    for instance in session.new:
        if type(instance) in AUDITED:
            entries.append(
                entry(
                    context,
                    "create",
                    AUDITED[type(instance)],
                    _entity_id(instance),
                    _created(instance),
                    _account_id(instance),
                )
            )
    for instance in session.dirty:
        if type(instance) in AUDITED and session.is_modified(instance):
            changes = _updated(instance)
            if changes:
                entries.append(
                    entry(
                        context,
                        _update_action(changes),
                        AUDITED[type(instance)],
                        _entity_id(instance),
                        changes,
                        _account_id(instance),
                    )
                )
    for instance in session.deleted:
        if type(instance) in AUDITED:
            before = {
                field: {"before": _shown(field, getattr(instance, field)), "after": None} for field in _fields(instance)
            }
            entries.append(
                entry(context, "delete", AUDITED[type(instance)], _entity_id(instance), before, _account_id(instance))
            )
    session.add_all(entries)
