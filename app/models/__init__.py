"""ORM classes; importing this package registers every table on ``Base.metadata``."""

from app.models.accounts import Account, TierChange
from app.models.base import Base
from app.models.idempotency import IdempotencyRecord
from app.models.rules import RulesVersion

__all__ = ["Account", "Base", "IdempotencyRecord", "RulesVersion", "TierChange"]
