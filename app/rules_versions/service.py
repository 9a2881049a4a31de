"""Replacing the rules configuration, and bringing every account in line with the new version."""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.accounts.service import AccountService
from app.auth.principal import Principal
from app.kit.concurrency import ExpectedVersion, check_version
from app.rules.document import RulesConfig, RulesDocument
from app.rules_versions.repository import RulesRepository


async def replace_rules(
    session: AsyncSession,
    document: RulesDocument,
    expected: ExpectedVersion | None,
    now: datetime,
    principal: Principal,
) -> RulesConfig:
    """Store the document as the next version and re-apply the rules to every account in the same
    transaction, so promotions and pending reviews follow the new numbers at once."""
    repository = RulesRepository(session)
    current = await repository.current()
    check_version(expected, current.version)
    rules = await repository.add(current.version + 1, document)
    await AccountService(session, rules, now, principal).reevaluate_all()
    return rules
