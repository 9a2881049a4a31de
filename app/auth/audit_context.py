"""Who acts in a transaction, for its audit entries: the authentication puts it on the session, a
use case with a reason for all it changes adds the reason, and the audit trail (app/audit/trail.py)
reads it."""

import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

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
    context: AuditContext | None = session.info.get(_CONTEXT_KEY)
    return context or AuditContext()
