"""Listing the follow-ups promised and not yet kept, with how late each is."""

from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from app.accounts.service import AccountService
from app.follow_ups.repository import FollowUpRepository
from app.follow_ups.schemas import FollowUpListQuery, FollowUpRead
from app.rules.health import days_between


class FollowUpService:
    def __init__(self, session: AsyncSession, accounts: AccountService) -> None:
        self.accounts = accounts
        self.repository = FollowUpRepository(session, accounts.visibility)

    async def list_page(self, query: FollowUpListQuery) -> tuple[list[FollowUpRead], str | None]:
        rows, next_cursor = await self.repository.open_page(query, self.accounts.now)
        return [self.read(row) for row in rows], next_cursor

    def read(self, row: Row[Any]) -> FollowUpRead:
        now = self.accounts.now
        return FollowUpRead(
            interaction_id=row.interaction_id,
            account_id=row.account_id,
            account_name=row.account_name,
            owner_id=row.owner_id,
            promised_at=row.promised_at,
            due_at=row.next_contact_at,
            type=row.type,
            next_steps=row.next_steps,
            days_late=max(0, days_between(row.next_contact_at, now)),
            overdue=row.next_contact_at < now,
        )
