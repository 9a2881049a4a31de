"""The rules configuration in force, and replacing it: every account is brought in line with the new
version in the same transaction."""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.accounts.service import AccountService
from app.auth import policy
from app.auth.principal import Principal
from app.kit.concurrency import ExpectedVersion, check_version
from app.rules.document import RulesConfig, RulesDocument
from app.rules_store.repository import RulesRepository


class RulesService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = RulesRepository(session)

    async def current(self) -> RulesConfig:
        return await self.repository.current()

    async def replace(
        self, document: RulesDocument, expected: ExpectedVersion | None, now: datetime, principal: Principal
    ) -> RulesConfig:
        """Admins: store the document as the next version and re-apply the rules to every account, so
        promotions and pending reviews follow the new numbers at once."""
        policy.check_rules_admin(principal)
        current = await self.repository.current()
        check_version(expected, current.version)
        rules = await self.repository.add(current.version + 1, document)
        await AccountService(self.session, rules, now, principal).reevaluate_all()
        return rules
