"""Reading the audit trail: the whole of it for managers and admins, an account's history for anyone
who may see the account."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from app.accounts.service import AccountService
from app.audit.repository import AuditRepository
from app.audit.schemas import AccountHistoryQuery, AuditQuery
from app.auth import policy
from app.models import AuditEntry


class AuditService:
    def __init__(self, session: AsyncSession, accounts: AccountService) -> None:
        self.accounts = accounts
        self.repository = AuditRepository(session)

    async def entries_page(self, query: AuditQuery) -> tuple[list[AuditEntry], str | None]:
        policy.check_audit_reader(self.accounts.principal)
        return await self.repository.entries_page(query)

    async def account_history(
        self, account_id: uuid.UUID, query: AccountHistoryQuery
    ) -> tuple[list[AuditEntry], str | None]:
        await self.accounts.get(account_id)
        return await self.repository.account_page(account_id, query)
