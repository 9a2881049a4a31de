"""ORM classes; importing this package registers every table on ``Base.metadata``."""

from app.models.accounts import Account, AccountTeamMember, TierChange
from app.models.audit import AuditEntry
from app.models.base import Base
from app.models.idempotency import IdempotencyRecord
from app.models.rules import RulesVersion
from app.models.users import ApiToken, SignInFailure, SigningKey, User

__all__ = [
    "Account",
    "AccountTeamMember",
    "ApiToken",
    "AuditEntry",
    "Base",
    "IdempotencyRecord",
    "RulesVersion",
    "SignInFailure",
    "SigningKey",
    "TierChange",
    "User",
]
